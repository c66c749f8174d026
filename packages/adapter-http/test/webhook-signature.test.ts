import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../src/index.js';

// The example of the Standard Webhooks specification.
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const timestamp = 1614265330;
const body = '{"test": 2432232314}';
const now = timestamp * 1000;

describe('Standard Webhooks signatures', () => {
  it('matches the specification example for a whsec_ secret', () => {
    expect(signWebhook(secret, id, timestamp, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  const headers = (signature: string, ts = String(timestamp)) => ({
    'webhook-id': id,
    'webhook-timestamp': ts,
    'webhook-signature': signature,
  });

  it('verifies a genuine delivery, from plain headers or a fetch Headers object', () => {
    const signature = signWebhook(secret, id, timestamp, body);
    expect(verifyWebhookSignature({ secret, headers: headers(signature), body, now })).toBe(true);
    expect(
      verifyWebhookSignature({
        secret,
        headers: new Headers(headers(signature)),
        body: Buffer.from(body),
        now,
      }),
    ).toBe(true);
  });

  it('accepts any of several space-separated signatures (key rotation)', () => {
    const signature = `v1,bm90IGl0 ${signWebhook(secret, id, timestamp, body)}`;
    expect(verifyWebhookSignature({ secret, headers: headers(signature), body, now })).toBe(true);
  });

  it('refuses a changed body, another secret, another id, a stale timestamp and missing headers', () => {
    const signature = signWebhook(secret, id, timestamp, body);
    expect(verifyWebhookSignature({ secret, headers: headers(signature), body: '{"test": 1}', now })).toBe(
      false,
    );
    expect(verifyWebhookSignature({ secret: 'whsec_b3RoZXI=', headers: headers(signature), body, now })).toBe(
      false,
    );
    expect(
      verifyWebhookSignature({
        secret,
        headers: { ...headers(signature), 'webhook-id': 'msg_other' },
        body,
        now,
      }),
    ).toBe(false);
    expect(verifyWebhookSignature({ secret, headers: headers(signature), body, now: now + 301_000 })).toBe(
      false,
    );
    expect(verifyWebhookSignature({ secret, headers: { 'webhook-id': id }, body, now })).toBe(false);
  });

  it('uses a plain (non-whsec_) secret as its bytes', () => {
    const signature = signWebhook('plain-secret', id, timestamp, body);
    expect(signature).not.toBe(signWebhook(secret, id, timestamp, body));
    expect(verifyWebhookSignature({ secret: 'plain-secret', headers: headers(signature), body, now })).toBe(
      true,
    );
  });
});
