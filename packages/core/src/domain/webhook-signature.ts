import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The HMAC key of a Standard Webhooks secret: `whsec_<base64>` is decoded, as the spec's
 * libraries do; any other string is used as its UTF-8 bytes.
 */
export function webhookSecretKey(secret: string): Buffer {
  return secret.startsWith('whsec_')
    ? Buffer.from(secret.slice('whsec_'.length), 'base64')
    : Buffer.from(secret);
}

/** `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, the Standard Webhooks signature. */
export function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number | string,
  body: string,
): string {
  const mac = createHmac('sha256', webhookSecretKey(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookInput {
  /** The shared secret, `whsec_…` or plain. */
  secret: string;
  /** The request headers (a fetch `Headers` or Node's `IncomingHttpHeaders`). */
  headers: WebhookHeaders;
  /** The raw request body, exactly as received. */
  body: string | Buffer;
  /** Largest accepted distance between `webhook-timestamp` and now, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** Current time in ms (tests). Default Date.now(). */
  now?: number;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * For receivers of webhooks and the status callback: true when one of the `webhook-signature` entries is
 * ours for this id, timestamp and body, and the timestamp is within the tolerance (replays of
 * an old delivery are refused).
 */
export function verifyWebhookSignature(input: VerifyWebhookInput): boolean {
  const id = header(input.headers, 'webhook-id');
  const timestamp = header(input.headers, 'webhook-timestamp');
  const signatures = header(input.headers, 'webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  const tolerance = input.toleranceSeconds ?? 300;
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) return false;
  const body = typeof input.body === 'string' ? input.body : input.body.toString('utf8');
  const expected = Buffer.from(signWebhook(input.secret, id, timestamp, body));
  // Several space-separated signatures are allowed (key rotation); any match is enough.
  return signatures.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
