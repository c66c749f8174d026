import { NotifyError } from '@notify/email-core';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../test-support/thrown.js';
import {
  amqpQueueModule,
  createAmqpQueue,
  delayTiers,
  resolveAmqpQueueOptions,
  tierFor,
  toAmqpPriority,
} from '../src/index.js';
import { decodeDeadLetter, decodeMessage, encodeDeadLetter, encodeMessage } from '../src/message-codec.js';

const configError = (run: () => unknown) => thrownBy(run, NotifyError.is);

describe('options', () => {
  it.each([
    [{}, 'url'],
    [{ url: 'http://localhost' }, 'url'],
    [{ url: 'amqp://x', prefetch: 0 }, 'prefetch'],
    [{ url: 'amqp://x', prefetch: 1.5 }, 'prefetch'],
    [{ url: 'amqp://x', publishTimeoutMs: -1 }, 'publishTimeoutMs'],
    [{ url: 'amqp://x', maxPriority: 256 }, 'maxPriority'],
    [{ url: 'amqp://x', delayTiersMs: [] }, 'delayTiersMs'],
    [{ url: 'amqp://x', delayTiersMs: [1000, 0] }, 'delayTiersMs[1]'],
    [{ url: 'amqp://x', reconnect: { initialDelayMs: 0 } }, 'reconnect.initialDelayMs'],
    [{ url: 'amqp://x', reconnect: { initialDelayMs: 500, maxDelayMs: 100 } }, 'reconnect.maxDelayMs'],
    [{ url: 'amqp://x', queue: '' }, 'queue'],
    [{ url: 'amqp://x', queue: 'same', failedQueue: 'same' }, 'failedQueue'],
    [{ url: 'amqp://x', connection: { not: 'a connection' } }, 'connection'],
    [{ url: 'amqp://x', redeliveryDelayMs: -5 }, 'redeliveryDelayMs'],
  ])('rejects %j naming %s', (options, key) => {
    const error = configError(() => createAmqpQueue(options as never));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`"${key}"`);
    expect(error.details?.[0]?.path).toBe(key);
  });

  it('fills in the predecessor names and defaults', () => {
    const resolved = resolveAmqpQueueOptions({ url: 'amqp://localhost' });
    expect(resolved).toMatchObject({
      exchange: 'notifications.direct',
      queue: 'email.queue',
      failedQueue: 'failed.queue',
      maxPriority: 10,
      publishTimeoutMs: 5000,
    });
    expect(delayTiers(resolved).map((t) => t.queue)).toEqual([
      'email.delay.1s',
      'email.delay.2s',
      'email.delay.5s',
      'email.delay.10s',
      'email.delay.30s',
      'email.delay.1m',
      'email.delay.2m',
      'email.delay.5m',
      'email.delay.10m',
    ]);
  });

  it('amqpQueueModule checks options when composed, before anything connects', () => {
    expect(configError(() => amqpQueueModule({ url: 'amqp://x', prefetch: -1 })).code).toBe('CONFIG_INVALID');
  });
});

describe('delay tiers', () => {
  const tiers = delayTiers(resolveAmqpQueueOptions({ url: 'amqp://x' }));
  it.each([
    [400, 1_000],
    [1_000, 1_000],
    [1_999, 1_000],
    [7_000, 5_000],
    [59_999, 30_000],
    [600_000, 600_000],
    [3_600_000, 600_000],
  ])('a wait of %i ms goes to the %i ms tier', (wait, tier) => {
    expect(tierFor(tiers, wait).ms).toBe(tier);
  });
});

describe('priority mapping', () => {
  it('maps 1..100 onto 0..max, monotonic, ends pinned', () => {
    expect(toAmqpPriority(1, 10)).toBe(0);
    expect(toAmqpPriority(10, 10)).toBe(1);
    expect(toAmqpPriority(50, 10)).toBe(5);
    expect(toAmqpPriority(100, 10)).toBe(10);
    for (let p = 2; p <= 100; p++)
      expect(toAmqpPriority(p, 10)).toBeGreaterThanOrEqual(toAmqpPriority(p - 1, 10));
  });
});

describe('message codec', () => {
  const sample = { requestId: 'r1', taskId: 't1', priority: 10, correlationId: 'c1' };

  it('round-trips a queue message', () => {
    expect(decodeMessage(encodeMessage(sample))).toEqual({ ok: true, message: sample });
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    [JSON.stringify({ ...sample, extra: 1 }), 'unknown field(s): extra'],
    [JSON.stringify({ ...sample, priority: 0 }), 'priority'],
    [JSON.stringify({ ...sample, taskId: '' }), 'taskId'],
  ])('refuses %s', (body, reason) => {
    const result = decodeMessage(Buffer.from(body));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('dead letters carry error, code, attempts and timestamps in body and headers', () => {
    const entry = {
      requestId: 'r1',
      taskId: 't1',
      correlationId: 'c1',
      errorCode: 'SMTP_PERMANENT',
      error: 'x'.repeat(5000),
      attempts: 3,
      firstAttemptAt: new Date('2030-01-01T00:00:00Z'),
      failedAt: new Date('2030-01-01T00:01:00Z'),
    };
    const { body, headers } = encodeDeadLetter(entry);
    expect(decodeDeadLetter(body)).toEqual(entry);
    expect(headers).toMatchObject({
      'x-error-code': 'SMTP_PERMANENT',
      'x-attempts': 3,
      'x-first-attempt-at': '2030-01-01T00:00:00.000Z',
      'x-failed-at': '2030-01-01T00:01:00.000Z',
      'x-correlation-id': 'c1',
    });
    expect(String(headers['x-error']).length).toBeLessThanOrEqual(1024);
  });
});
