import { InMemoryMailTransport, NotifyError } from '@notify/email-core';
import { mailTransportContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';

describe('InMemoryMailTransport', () => {
  mailTransportContract(it, async () => {
    const transport = new InMemoryMailTransport();
    return {
      subject: transport,
      // The fake's far side is its own `sent` list.
      received: async () =>
        transport.sent.map((m) => ({
          from: m.from,
          to: [m.to],
          subject: m.subject,
          ...(m.html === undefined ? {} : { html: m.html }),
          ...(m.text === undefined ? {} : { text: m.text }),
          messageId: m.messageId,
          headers: { ...m.headers, 'Message-ID': m.messageId },
        })),
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
