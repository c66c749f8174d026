import { InMemoryRateLimiter } from '../../memory/in-memory-rate-limiter.js';

/**
 * The in-memory rate limiter with a count of the keys it tracks, for tests that check it stays
 * bounded (full buckets are forgotten once it tracks many keys). Give it a ManualClock to move
 * time.
 */
export class InspectableRateLimiter extends InMemoryRateLimiter {
  /** Keys currently tracked. */
  get trackedKeys(): number {
    return this.buckets.size;
  }
}
