import { NotifyError } from './errors.js';

export interface RetryPolicyOptions {
  /**
   * Retries after the first attempt. The default 5 means six attempts in all: the first one and
   * five retries (the predecessor's `MAX_RETRIES` = 5).
   */
  maxRetries?: number;
  /** Upper bound of the first retry's delay, in ms (default 2000). */
  baseMs?: number;
  /** No delay ever exceeds this, in ms (default 600000, ten minutes). */
  capMs?: number;
  /** A source of uniform numbers in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

export const DEFAULT_MAX_RETRIES = 5;
export const DEFAULT_RETRY_BASE_MS = 2_000;
export const DEFAULT_RETRY_CAP_MS = 600_000;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * the delay before retry n is uniform in [0, min(cap, base · 2^(n-1))]. Full jitter spreads a
 * burst of failures (an SMTP blip hitting a thousand messages) instead of retrying them in waves.
 *
 * Attempt numbers are 1-based and count the first send: attempt 1 is the first try, so with
 * `maxRetries` = 5 attempts 1..6 are allowed and `hasRetriesLeft(6)` is false.
 */
export class RetryPolicy {
  readonly maxRetries: number;
  readonly baseMs: number;
  readonly capMs: number;
  private readonly random: () => number;

  constructor(options: RetryPolicyOptions = {}) {
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.baseMs = options.baseMs ?? DEFAULT_RETRY_BASE_MS;
    this.capMs = options.capMs ?? DEFAULT_RETRY_CAP_MS;
    this.random = options.random ?? Math.random;
    requireWhole('maxRetries', this.maxRetries, 0);
    requireWhole('retryBaseMs', this.baseMs, 1);
    requireWhole('retryCapMs', this.capMs, this.baseMs);
  }

  /** Attempts in all: the first plus `maxRetries`. */
  get maxAttempts(): number {
    return this.maxRetries + 1;
  }

  /** The upper bound of the delay after failed attempt `attempt` (1-based): min(cap, base·2^(n-1)). */
  ceilingMs(attempt: number): number {
    const n = Math.max(1, Math.floor(attempt));
    // 2^(n-1) overflows to Infinity for huge n, which Math.min turns into the cap.
    return Math.min(this.capMs, this.baseMs * 2 ** (n - 1));
  }

  /** A jittered delay before the retry that follows failed attempt `attempt` (1-based). */
  nextDelayMs(attempt: number): number {
    const r = Math.min(Math.max(this.random(), 0), 1);
    return Math.floor(r * this.ceilingMs(attempt));
  }

  /** Whether another attempt is allowed after `attempts` counted attempts. */
  hasRetriesLeft(attempts: number): boolean {
    return attempts < this.maxAttempts;
  }
}

function requireWhole(key: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new NotifyError('CONFIG_INVALID', `${key} must be an integer >= ${min}, got ${String(value)}`, {
      details: [{ path: key, message: `must be an integer >= ${min}` }],
    });
  }
}
