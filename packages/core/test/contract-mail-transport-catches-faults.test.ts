// The mail transport suite must be able to fail (see contract-fault-runner.ts): it runs against
// broken transports: headers dropped, a permanent rejection made retryable.
import { type MailMessage, NotifyError, type SendResult } from '@notify/email-core';
import { ControllableMailTransport, mailTransportContract } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { outcomeOf, runSuite } from './contract-fault-runner.js';

function transportSuite(make: () => ControllableMailTransport) {
  return runSuite((it) =>
    mailTransportContract(it, async () => {
      const transport = make();
      return {
        subject: transport,
        received: async () =>
          transport.sent.map((m) => ({
            ...m,
            to: [m.to],
            headers: { ...m.headers, 'Message-ID': m.messageId },
          })),
        rejectNextPermanently: async () => {
          transport.failNext(new NotifyError('SMTP_PERMANENT', '550 no such user', { responseCode: 550 }));
        },
        failNextTemporarily: async () => {
          transport.failNext(new NotifyError('SMTP_TRANSIENT', '451 later', { responseCode: 451 }));
        },
      };
    }),
  );
}

class HeaderDroppingTransport extends ControllableMailTransport {
  override send(message: MailMessage): Promise<SendResult> {
    return super.send({ ...message, headers: {} });
  }
}

/** Treats every failure as worth retrying: a 550 would be retried forever. */
class EverythingRetryableTransport extends ControllableMailTransport {
  override async send(message: MailMessage): Promise<SendResult> {
    try {
      return await super.send(message);
    } catch (error) {
      throw new NotifyError('SMTP_TRANSIENT', String(error), { cause: error });
    }
  }
}

describe('mailTransportContract catches a broken transport', () => {
  it('passes the in-memory reference, every case', async () => {
    const results = await transportSuite(() => new ControllableMailTransport());
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
  });

  it('fails a transport that drops headers', async () => {
    const results = await transportSuite(() => new HeaderDroppingTransport());
    expect(outcomeOf(results, 'headers intact')).toBe('failed');
  });

  it('fails a transport that makes a permanent rejection retryable', async () => {
    const results = await transportSuite(() => new EverythingRetryableTransport());
    expect(outcomeOf(results, 'permanently rejected')).toBe('failed');
    expect(outcomeOf(results, 'temporary failure')).toBe('passed');
  });
});
