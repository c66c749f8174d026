import { MailBreaker, type MailMessage, NotifyError } from '@notify/email-core';
import { ControllableMailTransport } from '@notify/email-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { rejectionOf } from './use-case-harness.js';

const message: MailMessage = {
  from: 'no-reply@example.test',
  to: 'ada@example.test',
  subject: 'Hi',
  text: 'Hello',
  messageId: '<abc@example.test>',
  headers: {},
};
const transient = () => new NotifyError('SMTP_TRANSIENT', '421 busy', { responseCode: 421 });
const permanent = () => new NotifyError('SMTP_PERMANENT', '550 unknown user', { responseCode: 550 });

const breakers: MailBreaker[] = [];
afterEach(() => {
  for (const b of breakers.splice(0)) b.shutdown();
});

function make(options: ConstructorParameters<typeof MailBreaker>[1] = {}) {
  const transport = new ControllableMailTransport();
  const breaker = new MailBreaker(transport, { failureThreshold: 3, resetTimeoutMs: 60_000, ...options });
  breakers.push(breaker);
  return { transport, breaker };
}

describe('MailBreaker', () => {
  it('opens after failureThreshold consecutive transient failures, then rejects without sending', async () => {
    const { transport, breaker } = make();
    transport.failNext(transient(), 3);
    for (let i = 0; i < 2; i++) await rejectionOf(breaker.send(message));
    expect(breaker.state()).toBe('closed');
    await rejectionOf(breaker.send(message));
    expect(breaker.state()).toBe('open');
    const rejected = await rejectionOf(breaker.send(message));
    expect(rejected).toMatchObject({ code: 'CIRCUIT_OPEN', retryable: true });
    expect(transport.attempts).toHaveLength(3);
  });

  it('counts only consecutive failures: a success resets the count', async () => {
    const { transport, breaker } = make();
    transport.failNext(transient(), 2);
    await rejectionOf(breaker.send(message));
    await rejectionOf(breaker.send(message));
    await breaker.send(message);
    transport.failNext(transient(), 2);
    await rejectionOf(breaker.send(message));
    await rejectionOf(breaker.send(message));
    expect(breaker.state()).toBe('closed');
  });

  it('never opens on permanent 5xx errors: the server is up and answering', async () => {
    const { transport, breaker } = make();
    transport.failNext(permanent(), 10);
    for (let i = 0; i < 10; i++) {
      expect(await rejectionOf(breaker.send(message))).toMatchObject({ code: 'SMTP_PERMANENT' });
    }
    expect(breaker.state()).toBe('closed');
  });

  it('reports when an open breaker will let a trial through', async () => {
    let now = 1_000_000;
    const { transport, breaker } = make({ resetTimeoutMs: 60_000, now: () => now });
    expect(breaker.retryAfterMs()).toBe(0);
    transport.failNext(transient(), 3);
    for (let i = 0; i < 3; i++) await rejectionOf(breaker.send(message));
    expect(breaker.retryAt().getTime()).toBe(1_060_000);
    now += 15_000;
    expect(breaker.retryAfterMs()).toBe(45_000);
    const rejected = (await rejectionOf(breaker.send(message))) as NotifyError;
    expect(rejected.retryAfterMs).toBe(45_000);
  });

  it('goes half-open after the reset timeout; a good trial closes it, a bad one reopens it', async () => {
    const { transport, breaker } = make({ failureThreshold: 1, resetTimeoutMs: 40 });
    transport.failNext(transient());
    await rejectionOf(breaker.send(message));
    expect(breaker.state()).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(breaker.state()).toBe('half-open');
    transport.failNext(transient());
    await rejectionOf(breaker.send(message));
    expect(breaker.state()).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await breaker.send(message);
    expect(breaker.state()).toBe('closed');
    expect(transport.sent).toHaveLength(1);
  });

  it('turns a send that outlives timeoutMs into SMTP_TIMEOUT', async () => {
    const transport = new ControllableMailTransport({ latencyMs: 200 });
    const breaker = new MailBreaker(transport, { timeoutMs: 20 });
    breakers.push(breaker);
    expect(await rejectionOf(breaker.send(message))).toMatchObject({ code: 'SMTP_TIMEOUT', retryable: true });
  });
});
