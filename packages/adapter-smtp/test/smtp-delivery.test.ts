import { type MailMessage, NotifyError } from '@notify/email-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  peerTlsCert,
  type SmtpPeer,
  type SmtpPeerOptions,
  startSmtpPeer,
} from '../../../test-support/smtp-peer.js';
import { until } from '../../../test-support/wait.js';
import { createSmtpTransport, type SmtpMailTransport, type SmtpTransportOptions } from '../src/index.js';

let peer: SmtpPeer | undefined;
let transport: SmtpMailTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await peer?.close();
  transport = undefined;
  peer = undefined;
});

async function setup(peerOptions: SmtpPeerOptions = {}, options: Partial<SmtpTransportOptions> = {}) {
  peer = await startSmtpPeer(peerOptions);
  transport = createSmtpTransport({ host: peer.host, port: peer.port, ...options });
  return { peer, transport };
}

function message(n: number, overrides: Partial<MailMessage> = {}): MailMessage {
  return {
    from: 'Notify <noreply@notify.test>',
    to: `user${n}@example.test`,
    subject: `Welcome ${n}`,
    html: `<p>Hello <b>user ${n}</b></p>`,
    text: `Hello user ${n}`,
    messageId: `<req-${n}.0123abcd@notify.test>`,
    headers: { 'X-Request-ID': `req-${n}`, 'X-Correlation-ID': `corr-${n}` },
    ...overrides,
  };
}

describe('SmtpMailTransport delivery', () => {
  it('delivers subject, bodies, the deterministic Message-ID and the tracing headers', async () => {
    const { peer, transport } = await setup();
    const result = await transport.send(message(1));

    expect(result.messageId).toBe('<req-1.0123abcd@notify.test>');
    expect(result.response).toMatch(/^250/);
    expect(result.accepted).toEqual(['user1@example.test']);
    const [received] = await peer.waitFor(1);
    expect(received.messageId).toBe('<req-1.0123abcd@notify.test>');
    expect(received.subject).toBe('Welcome 1');
    expect(received.html).toContain('<p>Hello <b>user 1</b></p>');
    expect(received.text?.trim()).toBe('Hello user 1');
    expect(received.from).toBe('noreply@notify.test');
    expect(received.to).toEqual(['user1@example.test']);
    expect(received.headers['x-request-id']).toBe('req-1');
    expect(received.headers['x-correlation-id']).toBe('corr-1');
    expect(received.envelope).toEqual({ from: 'noreply@notify.test', to: ['user1@example.test'] });
  });

  it('sends the same Message-ID again for a resend of the same request', async () => {
    const { peer, transport } = await setup();
    await transport.send(message(7));
    await transport.send(message(7));
    const received = await peer.waitFor(2);
    expect(received.map((m) => m.messageId)).toEqual([
      '<req-7.0123abcd@notify.test>',
      '<req-7.0123abcd@notify.test>',
    ]);
  });

  it('authenticates with the configured credentials', async () => {
    const { peer, transport } = await setup(
      { auth: { user: 'mailer', pass: 's3cret' } },
      { auth: { user: 'mailer', pass: 's3cret' } },
    );
    await transport.send(message(2));
    const [received] = await peer.waitFor(1);
    expect(received.user).toBe('mailer');
  });

  it('does not get past a server that requires AUTH without credentials, and a wrong password is retryable', async () => {
    const { peer } = await setup({ auth: { user: 'mailer', pass: 's3cret' } });
    const anonymous = await transport!.send(message(3)).catch((e: unknown) => e);
    expect(NotifyError.is(anonymous) && anonymous.responseCode).toBe(530);

    const wrong = createSmtpTransport({
      host: peer.host,
      port: peer.port,
      auth: { user: 'mailer', pass: 'nope' },
    });
    const error = await wrong.send(message(3)).catch((e: unknown) => e);
    await wrong.close();
    // A refused login says nothing about the message: retried, not dead-lettered.
    expect(NotifyError.is(error) && error.code).toBe('SMTP_TRANSIENT');
    expect(NotifyError.is(error) && error.responseCode).toBe(535);
    expect(peer.messages).toHaveLength(0);
  });

  it('upgrades with STARTTLS when required, verifying the peer against the given CA', async () => {
    const { peer, transport } = await setup(
      { starttls: true },
      { requireTLS: true, tls: { ca: peerTlsCert } },
    );
    await transport.send(message(4));
    const [received] = await peer.waitFor(1);
    expect(received.secure).toBe(true);
  });

  it('refuses an unverifiable certificate by default, and accepts it with rejectUnauthorized false', async () => {
    const { peer, transport } = await setup({ starttls: true }, { requireTLS: true });
    const error = await transport.send(message(5)).catch((e: unknown) => e);
    expect(NotifyError.is(error) && error.code).toBe('SMTP_TRANSIENT');
    expect(peer.messages).toHaveLength(0);

    const lax = createSmtpTransport({
      host: peer.host,
      port: peer.port,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
    });
    await lax.send(message(5));
    await lax.close();
    expect((await peer.waitFor(1))[0].secure).toBe(true);
  });

  it('fails requireTLS against a server without STARTTLS instead of sending in clear text', async () => {
    const { peer, transport } = await setup({}, { requireTLS: true });
    const error = await transport.send(message(6)).catch((e: unknown) => e);
    expect(NotifyError.is(error) && error.code).toBe('SMTP_TRANSIENT');
    expect(peer.messages).toHaveLength(0);
  });

  it('delivers 200 concurrent messages exactly once over a bounded pool', async () => {
    const { peer, transport } = await setup({}, { maxConnections: 4, maxMessages: 1000 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, n) => transport.send(message(n))));
    expect(results).toHaveLength(200);
    const received = await peer.waitFor(200, 10_000);
    const ids = received.map((m) => m.headers['x-request-id']);
    expect(new Set(ids).size).toBe(200);
    expect(received).toHaveLength(200);
    // pooled: a handful of SMTP sessions carried all 200 messages
    expect(peer.sessionCount).toBeLessThanOrEqual(4);
  });

  it('says QUIT on every connection it lets go: recycled after maxMessages, and idle at close()', async () => {
    const { peer, transport } = await setup({}, { maxConnections: 1, maxMessages: 2 });
    for (let n = 0; n < 5; n++) await transport.send(message(n));
    // Two connections used up (2 + 2 messages) and recycled; the third carried the fifth.
    await until(() => peer.closedSessions === 2, 5_000, 'the two used-up sessions to end');
    expect(peer.sessionCount).toBe(3);
    expect(peer.quits).toBe(2);
    await transport.close();
    await until(() => peer.closedSessions === 3, 5_000, 'the last session to end');
    expect(peer.quits).toBe(3);
  });

  it('says QUIT at close() after a refused recipient left the session reset', async () => {
    const { peer, transport } = await setup();
    peer.reject(550, 'No such user', 1);
    await expect(transport.send(message(1))).rejects.toThrow();
    await transport.send(message(2));
    await transport.close();
    await until(() => peer.closedSessions === peer.sessionCount, 5_000, 'every session to end');
    expect(peer.quits).toBe(peer.sessionCount);
  });

  it('verify() succeeds against a live server', async () => {
    const { transport } = await setup();
    await expect(transport.verify()).resolves.toBeUndefined();
  });

  it('refuses to send after close()', async () => {
    const { transport } = await setup();
    await transport.close();
    await expect(transport.send(message(1))).rejects.toMatchObject({ code: 'SMTP_TRANSIENT' });
  });
});
