export interface RateLimitDecision {
  allowed: boolean;
  /** Bucket capacity (burst). */
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
  /** When refused: milliseconds until one token is available; 0 when allowed. */
  retryAfterMs: number;
}

/** A token bucket per key, atomic across processes where the backend is shared. */
export interface RateLimiter {
  consume(key: string, cost?: number): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

export const RateLimiterToken = Symbol.for('@notify/RateLimiter');
