import { type MailMessage, NotifyError } from '@notify/email-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type SmtpPeer, startSmtpPeer } from '../../../test-support/smtp-peer.js';
import { rejectionBy } from '../../../test-support/thrown.js';
import { createSmtpTransport, type SmtpMailTransport, type SmtpTransportOptions } from '../src/index.js';

let peer: SmtpPeer | undefined;
let transport: SmtpMailTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await peer?.close();
  transport = undefined;
  peer = undefined;
});

async function setup(options: Partial<SmtpTransportOptions> = {}) {
  peer = await startSmtpPeer();
  transport = createSmtpTransport({ host: peer.host, port: peer.port, ...options });
  return { peer, transport };
}

const mail: MailMessage = {
  from: 'noreply@notify.test',
  to: 'someone@example.test',
  subject: 'Hi',
  text: 'Hello',
  messageId: '<req-f.1@notify.test>',
  headers: { 'X-Request-ID': 'req-f' },
};

const failure = (promise: Promise<unknown>) => rejectionBy(promise, NotifyError.is);

describe('SmtpMailTransport failure classification', () => {
  it('RCPT 550 is permanent, keeping the reply code and text', async () => {
    const { peer, transport } = await setup();
    peer.reject(550, 'No such user here');
    const error = await failure(transport.send(mail));
    expect(error.code).toBe('SMTP_PERMANENT');
    expect(error.retryable).toBe(false);
    expect(error.responseCode).toBe(550);
    expect(error.message).toContain('No such user here');
    expect(peer.messages).toHaveLength(0);
  });

  it('RCPT 451 is transient, keeping the reply code and text, and the next attempt goes through', async () => {
    const { peer, transport } = await setup();
    peer.reject(451, 'Greylisted, try again later', 1);
    const error = await failure(transport.send(mail));
    expect(error.code).toBe('SMTP_TRANSIENT');
    expect(error.retryable).toBe(true);
    expect(error.responseCode).toBe(451);
    expect(error.message).toContain('Greylisted, try again later');

    await transport.send(mail);
    expect(await peer.waitFor(1)).toHaveLength(1);
  });

  it('a server that accepts the connection and never answers fails with SMTP_TIMEOUT in bounded time', async () => {
    const { peer, transport } = await setup({
      greetingTimeoutMs: 300,
      connectionTimeoutMs: 300,
      socketTimeoutMs: 300,
    });
    peer.silent();
    const started = Date.now();
    const error = await failure(transport.send(mail));
    const elapsed = Date.now() - started;
    expect(error.code).toBe('SMTP_TIMEOUT');
    expect(error.retryable).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('sendTimeoutMs bounds a send even when the per-socket timeouts are long', async () => {
    const { peer, transport } = await setup({ greetingTimeoutMs: 60_000, sendTimeoutMs: 400 });
    peer.silent();
    const started = Date.now();
    const error = await failure(transport.send(mail));
    expect(error.code).toBe('SMTP_TIMEOUT');
    expect(error.message).toContain('400 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a closed port is transient (connection refused), and delivery resumes when the server is back', async () => {
    const { peer, transport } = await setup();
    await peer.down();
    const started = Date.now();
    const error = await failure(transport.send(mail));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.code).toBe('SMTP_TRANSIENT');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');

    await peer.up();
    await transport.send(mail);
    expect(await peer.waitFor(1)).toHaveLength(1);
  });

  it('a pooled connection dropped by the server does not break the next send', async () => {
    const { peer, transport } = await setup();
    await transport.send(mail);
    await peer.down();
    await peer.up();
    await transport.send(mail);
    expect(await peer.waitFor(2)).toHaveLength(2);
  });

  it('verify() reports an unreachable server as a transient NotifyError', async () => {
    const { peer, transport } = await setup();
    await peer.down();
    const error = await failure(transport.verify());
    expect(error.code).toBe('SMTP_TRANSIENT');
  });

  it('rejects a header value with a line break before anything reaches the server', async () => {
    const { peer, transport } = await setup();
    const error = await failure(
      transport.send({ ...mail, headers: { 'X-Request-ID': 'a\r\nBcc: victim@x.test' } }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details?.[0]?.path).toBe('headers.X-Request-ID');
    expect(peer.sessionCount).toBe(0);
  });
});
