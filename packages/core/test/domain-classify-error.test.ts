import { classifyError, NotifyError } from '@notify/email-core';
import CircuitBreaker from 'opossum';
import { describe, expect, it } from 'vitest';

function nodeError(code: string, message = `${code} happened`): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyError', () => {
  it('passes a NotifyError through untouched', () => {
    const original = new NotifyError('SMTP_PERMANENT', '550 no such user', { responseCode: 550 });
    expect(classifyError(original)).toBe(original);
  });

  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'EPIPE',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ESOCKET',
    'EHOSTUNREACH',
    'ECONNECTION',
  ])('treats network error %s as retryable SMTP_TRANSIENT', (code) => {
    const classified = classifyError(nodeError(code));
    expect(classified.code).toBe('SMTP_TRANSIENT');
    expect(classified.retryable).toBe(true);
    expect(classified.message).toBe(`${code} happened`);
    expect(classified.cause).toBeInstanceOf(Error);
  });

  it('treats socket timeouts and AbortSignal timeouts as SMTP_TIMEOUT', () => {
    expect(classifyError(nodeError('ETIMEDOUT')).code).toBe('SMTP_TIMEOUT');
    const abort = new DOMException('The operation timed out', 'TimeoutError');
    expect(classifyError(abort).code).toBe('SMTP_TIMEOUT');
  });

  it('finds the network code in the cause chain (fetch wraps it)', () => {
    const fetchFailure = new TypeError('fetch failed', { cause: nodeError('ECONNREFUSED') });
    const classified = classifyError(fetchFailure, { transientCode: 'TEMPLATE_SOURCE_UNAVAILABLE' });
    expect(classified.code).toBe('TEMPLATE_SOURCE_UNAVAILABLE');
    expect(classified.retryable).toBe(true);
  });

  it("maps opossum's own rejections: open circuit → CIRCUIT_OPEN, timeout → SMTP_TIMEOUT", async () => {
    const slow = new CircuitBreaker(() => new Promise((resolve) => setTimeout(resolve, 200)), {
      timeout: 10,
    });
    const timedOut = await slow.fire().catch((error: unknown) => error);
    expect(classifyError(timedOut).code).toBe('SMTP_TIMEOUT');
    slow.open();
    const rejected = await slow.fire().catch((error: unknown) => error);
    const classified = classifyError(rejected);
    expect(classified.code).toBe('CIRCUIT_OPEN');
    expect(classified.retryable).toBe(true);
    slow.shutdown();
  });

  it('reads a raw SMTP reply code: 4xx transient, 5xx permanent', () => {
    const busy = Object.assign(new Error('451 4.3.0 try later'), { responseCode: 451 });
    const rejected = Object.assign(new Error('550 5.1.1 unknown user'), {
      responseCode: 550,
      code: 'EENVELOPE',
    });
    expect(classifyError(busy)).toMatchObject({ code: 'SMTP_TRANSIENT', retryable: true, responseCode: 451 });
    expect(classifyError(rejected)).toMatchObject({
      code: 'SMTP_PERMANENT',
      retryable: false,
      responseCode: 550,
    });
  });

  it('makes anything else INTERNAL and retryable, so an unknown error cannot fail mail outright', () => {
    for (const thrown of [new TypeError('x is undefined'), 'a string', 42, null, { weird: true }]) {
      const classified = classifyError(thrown);
      expect(classified.code).toBe('INTERNAL');
      expect(classified.retryable).toBe(true);
    }
    expect(classifyError('a string').message).toBe('a string');
  });
});
