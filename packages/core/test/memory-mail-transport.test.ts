import { InMemoryMailTransport, NotifyError } from '@notify/email-core';
import { ControllableMailTransport, sampleMailMessage } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';

const permanent = () => new NotifyError('SMTP_PERMANENT', '550 no such user', { responseCode: 550 });

describe('InMemoryMailTransport', () => {
  it('keeps copies, so a caller changing its message later does not rewrite history', async () => {
    const transport = new InMemoryMailTransport();
    const message = sampleMailMessage();
    await transport.send(message);
    message.headers['X-Request-ID'] = 'rewritten';
    expect(transport.sent[0]!.headers['X-Request-ID']).not.toBe('rewritten');
  });

  it('once closed, verify and send fail with a retryable SMTP_TRANSIENT and nothing more is kept', async () => {
    const transport = new InMemoryMailTransport();
    await transport.verify();
    await transport.close();
    await expect(transport.verify()).rejects.toMatchObject({ code: 'SMTP_TRANSIENT', retryable: true });
    await expect(transport.send(sampleMailMessage())).rejects.toMatchObject({ code: 'SMTP_TRANSIENT' });
    expect(transport.sent).toHaveLength(0);
  });
});

describe('ControllableMailTransport', () => {
  it('failNext(error, times) fails exactly that many sends, then recovers', async () => {
    const transport = new ControllableMailTransport().failNext(permanent(), 2);
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(
        await transport.send(sampleMailMessage()).then(
          () => 'sent',
          (e: NotifyError) => e.code,
        ),
      );
    }
    expect(outcomes).toEqual(['SMTP_PERMANENT', 'SMTP_PERMANENT', 'sent']);
    expect(transport.sent).toHaveLength(1);
    expect(transport.attempts).toHaveLength(3);
  });

  it('failWith decides per message until cleared', async () => {
    const transport = new ControllableMailTransport();
    transport.failWith((m) => (m.to.startsWith('bounce') ? permanent() : undefined));
    await expect(transport.send(sampleMailMessage({ to: 'bounce@example.org' }))).rejects.toMatchObject({
      code: 'SMTP_PERMANENT',
    });
    await transport.send(sampleMailMessage({ to: 'fine@example.org' }));
    transport.failWith(null);
    await transport.send(sampleMailMessage({ to: 'bounce@example.org' }));
    expect(transport.sent.map((m) => m.to)).toEqual(['fine@example.org', 'bounce@example.org']);
  });

  it('unavailable: verify and send fail with a retryable SMTP_TRANSIENT', async () => {
    const transport = new ControllableMailTransport();
    transport.setAvailable(false);
    await expect(transport.verify()).rejects.toMatchObject({ code: 'SMTP_TRANSIENT', retryable: true });
    await expect(transport.send(sampleMailMessage())).rejects.toMatchObject({ code: 'SMTP_TRANSIENT' });
    transport.setAvailable(true);
    await transport.verify();
  });

  it('latencyMs makes each send take that long', async () => {
    const transport = new ControllableMailTransport({ latencyMs: 60 });
    const started = Date.now();
    await transport.send(sampleMailMessage());
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('reset forgets sent messages, attempts, pending failures and an outage', async () => {
    const transport = new ControllableMailTransport();
    await transport.send(sampleMailMessage());
    transport.failNext(permanent()).failWith(() => permanent());
    transport.setAvailable(false);
    await expect(transport.send(sampleMailMessage())).rejects.toMatchObject({ code: 'SMTP_TRANSIENT' });
    transport.reset();
    expect([transport.sent.length, transport.attempts.length]).toEqual([0, 0]);
    await transport.send(sampleMailMessage());
    expect([transport.sent.length, transport.attempts.length]).toEqual([1, 1]);
  });
});
