import { InMemoryMailTransport, type MailMessage, NotifyError } from '@notify/email-core';
import { ControllableMailTransport, mailTransportContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';

/** The in-memory transport's far side is its own `sent` list. */
const received = (transport: InMemoryMailTransport) => async () =>
  transport.sent.map((m: MailMessage) => ({
    from: m.from,
    to: [m.to],
    subject: m.subject,
    ...(m.html === undefined ? {} : { html: m.html }),
    ...(m.text === undefined ? {} : { text: m.text }),
    messageId: m.messageId,
    headers: { ...m.headers, 'Message-ID': m.messageId },
  }));

describe('InMemoryMailTransport', () => {
  const reason = 'it accepts every message; ControllableMailTransport (below) scripts failures';
  mailTransportContract(
    it,
    async () => {
      const transport = new InMemoryMailTransport();
      return { subject: transport, received: received(transport), cleanup: () => transport.close() };
    },
    { lacks: { permanentRejection: reason, temporaryFailure: reason } },
  );
});

describe('ControllableMailTransport', () => {
  mailTransportContract(it, async () => {
    const transport = new ControllableMailTransport();
    return {
      subject: transport,
      received: received(transport),
      rejectNextPermanently: async () => {
        transport.failNext(
          new NotifyError('SMTP_PERMANENT', '550 5.1.1 mailbox unknown', { responseCode: 550 }),
        );
      },
      failNextTemporarily: async () => {
        transport.failNext(
          new NotifyError('SMTP_TRANSIENT', '451 4.3.0 try again later', { responseCode: 451 }),
        );
      },
      cleanup: () => transport.close(),
    };
  });
});
