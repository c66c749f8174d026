import { NotifyError } from '../domain/errors.js';
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import type { RateLimitDecision, RateLimiter } from '../ports/rate-limiter.js';

export interface InMemoryRateLimiterOptions {
  /** Tokens added per second, per key. Default 10. */
  ratePerSecond?: number;
  /** Bucket capacity: how many requests may arrive at once. Default 20. */
  burst?: number;
  /** Time source (in tests, ManualClock from @notify/email-core/testing). Default: the system clock. */
  clock?: Clock;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket per key in this process only (a shared limiter needs adapter-redis). */
export class InMemoryRateLimiter implements RateLimiter {
  /** By key. Protected so InspectableRateLimiter (src/testing/doubles) can count them. */
  protected readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly ratePerSecond: number;
  private readonly burst: number;
  private readonly clock: Clock;

  constructor(options: InMemoryRateLimiterOptions = {}) {
    this.ratePerSecond = options.ratePerSecond ?? 10;
    this.burst = options.burst ?? 20;
    this.clock = options.clock ?? systemClock;
    if (!Number.isFinite(this.ratePerSecond) || this.ratePerSecond <= 0) {
      throw configInvalid('ratePerSecond', 'must be a number > 0');
    }
    if (!Number.isInteger(this.burst) || this.burst < 1)
      throw configInvalid('burst', 'must be an integer >= 1');
  }

  async consume(key: string, cost = 1): Promise<RateLimitDecision> {
    if (!Number.isFinite(cost) || cost < 0) {
      throw new NotifyError('VALIDATION_FAILED', 'cost must be a number >= 0', {
        details: [{ path: 'cost', message: 'must be a number >= 0' }],
      });
    }
    const now = this.clock.now().getTime();
    const bucket = this.refill(key, now);
    const allowed = bucket.tokens >= cost;
    if (allowed) bucket.tokens -= cost;
    const perMs = this.ratePerSecond / 1000;
    return {
      allowed,
      limit: this.burst,
      remaining: Math.floor(bucket.tokens),
      resetMs: Math.ceil((this.burst - bucket.tokens) / perMs),
      // At least 1 ms when refused, so a caller never sees "refused, retry in 0".
      retryAfterMs: allowed ? 0 : Math.max(1, Math.ceil((cost - bucket.tokens) / perMs)),
    };
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }

  /**
   * A full bucket behaves exactly like a missing one, so once the map grows past this size the
   * full ones are dropped: an embedded service seeing many distinct keys stays bounded.
   */
  private static readonly PRUNE_AT = 10_000;

  private refill(key: string, now: number): Bucket {
    if (this.buckets.size >= InMemoryRateLimiter.PRUNE_AT && !this.buckets.has(key)) this.prune(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    const elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(this.burst, bucket.tokens + (elapsed * this.ratePerSecond) / 1000);
    bucket.at = now;
    this.buckets.set(key, bucket);
    return bucket;
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.ratePerSecond) / 1000 >= this.burst)
        this.buckets.delete(key);
    }
  }
}

function configInvalid(key: string, message: string): NotifyError {
  return new NotifyError('CONFIG_INVALID', `InMemoryRateLimiter: ${key} ${message}`, {
    details: [{ path: key, message }],
  });
}
