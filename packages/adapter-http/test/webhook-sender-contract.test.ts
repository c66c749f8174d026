import { NotifyError, type WebhookRequest, type WebhookSender } from '@notify/email-core';
import {
  createCaseRecorder,
  type WebhookSenderRules,
  webhookSenderContract,
} from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { assertWebhookUrlAllowed, createHttpWebhookSender } from '../src/index.js';

describe('HttpWebhookSender', () => {
  webhookSenderContract(it, async (rules) => ({ subject: createHttpWebhookSender(rules) }));
});

/** What a first try with fetch looks like: redirects followed, no guard, no timeout. */
class NaiveFetchSender implements WebhookSender {
  async send(request: WebhookRequest) {
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
      });
      return { status: response.status };
    } catch (error) {
      throw new NotifyError('UNAVAILABLE', String(error));
    }
  }
}

/** Checks the URL, then lets fetch resolve the name again: open to DNS rebinding. */
class CheckOnceSender implements WebhookSender {
  constructor(private readonly rules: WebhookSenderRules) {}
  async send(request: WebhookRequest) {
    if (request.trusted !== true) await assertWebhookUrlAllowed(request.url, this.rules);
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(request.timeoutMs),
      });
      return { status: response.status };
    } catch (error) {
      throw new NotifyError('UNAVAILABLE', String(error));
    }
  }
}

describe('webhookSenderContract catches a broken sender', () => {
  const suite = async (make: (rules: WebhookSenderRules) => WebhookSender) => {
    const recorder = createCaseRecorder();
    webhookSenderContract(recorder.it, async (rules) => ({ subject: make(rules) }));
    return recorder.run();
  };
  const outcome = (results: Awaited<ReturnType<typeof suite>>, fragment: string) =>
    results.find((r) => r.name.includes(fragment))?.outcome;

  it('passes the HTTP sender, every case', async () => {
    const results = await suite((rules) => createHttpWebhookSender(rules));
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
    expect(results).toHaveLength(5);
  });

  it('fails a sender that follows redirects, has no guard and no timeout', async () => {
    const results = await suite(() => new NaiveFetchSender());
    expect(outcome(results, 'follows no redirect')).toBe('failed');
    expect(outcome(results, 'within the timeout')).toBe('failed');
    expect(outcome(results, 'private networks refused')).toBe('failed');
  }, 30_000);

  it('fails a sender that checks the URL but not the address it connects to', async () => {
    const results = await suite((rules) => new CheckOnceSender(rules));
    expect(outcome(results, 'connects only to an address it checked')).toBe('failed');
    expect(outcome(results, 'private networks refused')).toBe('passed');
  });
});
