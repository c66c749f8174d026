import type { Logger } from '@notify/email-core';
import { NotifyError, type RateLimitDecision, type RateLimiter } from '@notify/email-core';
import type { Context } from 'koa';
import { bearerToken, keyFingerprint } from './auth.js';

/**
 * The bucket a request is charged to. A notification is charged to its `user_id`: the limit exists so
 * that one user (or a runaway loop on their behalf) cannot flood their inbox or our SMTP quota, whichever
 * client sends it. A body without a usable `user_id` (it will fail validation, but still costs us a
 * parse) falls back to the caller: their API key when keys are configured, else their IP address.
 * Only the accept route is limited; reads are cheap and polling clients must not starve senders.
 */
export function rateLimitKey(ctx: Context, body: unknown): string {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const userId = (body as Record<string, unknown>).user_id;
    // Bounded like the field itself (docs/api.md: at most 128 characters), so a junk value cannot mint huge keys.
    if (typeof userId === 'string' && userId.length > 0 && userId.length <= 128) return `user:${userId}`;
  }
  const token = bearerToken(ctx.get('Authorization') || undefined);
  return token === undefined ? `ip:${ctx.ip}` : `key:${keyFingerprint(token)}`;
}

function setRateLimitHeaders(ctx: Context, decision: RateLimitDecision): void {
  ctx.set('RateLimit-Limit', String(decision.limit));
  ctx.set('RateLimit-Remaining', String(Math.max(0, decision.remaining)));
  ctx.set('RateLimit-Reset', String(Math.max(0, Math.ceil(decision.resetMs / 1000))));
}

/**
 * Charges one request to its bucket; throws RATE_LIMITED (429 with Retry-After) when it is empty.
 * When the limiter itself fails (Redis down) the request is let through with a warning: the limit
 * protects against floods, and refusing every notification during a limiter outage would be worse.
 */
export async function enforceRateLimit(
  limiter: RateLimiter,
  ctx: Context,
  key: string,
  log: Logger,
): Promise<void> {
  let decision: RateLimitDecision;
  try {
    decision = await limiter.consume(key);
  } catch (error) {
    log.warn({ err: error, rate_limit_key: key }, 'rate limiter unavailable; request allowed');
    return;
  }
  setRateLimitHeaders(ctx, decision);
  if (!decision.allowed) {
    const retryAfterMs = Math.max(1000, decision.retryAfterMs);
    throw new NotifyError(
      'RATE_LIMITED',
      `Too many requests; retry after ${Math.ceil(retryAfterMs / 1000)} s`,
      {
        retryAfterMs,
      },
    );
  }
}
