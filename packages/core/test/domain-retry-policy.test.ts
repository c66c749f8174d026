import { NotifyError, RetryPolicy } from '@notify/email-core';
import { describe, expect, it } from 'vitest';

describe('retry policy', () => {
  it('defaults to base 2 s, cap 600 s and five retries (six attempts)', () => {
    const policy = new RetryPolicy();
    expect(policy.baseMs).toBe(2_000);
    expect(policy.capMs).toBe(600_000);
    expect(policy.maxRetries).toBe(5);
    expect(policy.maxAttempts).toBe(6);
  });

  it('doubles the upper bound with every attempt until the cap', () => {
    const policy = new RetryPolicy({ random: () => 0.999_999 });
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => policy.ceilingMs(n));
    expect(ceilings).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 600_000,
    ]);
    // With the random source at its top the delay approaches the bound from below.
    for (let n = 1; n <= 10; n++) {
      const delay = policy.nextDelayMs(n);
      expect(delay).toBeLessThanOrEqual(ceilings[n - 1]!);
      expect(delay).toBeGreaterThan(ceilings[n - 1]! * 0.99);
    }
  });

  it('never exceeds the cap, even for absurd attempt numbers', () => {
    const policy = new RetryPolicy({ random: () => 0.999_999_999, capMs: 600_000 });
    for (const n of [11, 50, 1_000, 10_000]) {
      expect(policy.ceilingMs(n)).toBe(600_000);
      expect(policy.nextDelayMs(n)).toBeLessThanOrEqual(600_000);
    }
  });

  it('jitters over the whole range [0, bound] (full jitter)', () => {
    expect(new RetryPolicy({ random: () => 0 }).nextDelayMs(4)).toBe(0);
    expect(new RetryPolicy({ random: () => 0.5 }).nextDelayMs(4)).toBe(8_000);
    const policy = new RetryPolicy();
    const samples = Array.from({ length: 500 }, () => policy.nextDelayMs(3));
    expect(new Set(samples).size).toBeGreaterThan(100);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThanOrEqual(8_000);
    // Spread over the range, not bunched at one end.
    expect(samples.some((d) => d < 2_000)).toBe(true);
    expect(samples.some((d) => d > 6_000)).toBe(true);
  });

  it('stops after the first attempt plus maxRetries', () => {
    const policy = new RetryPolicy({ maxRetries: 5 });
    expect([1, 2, 3, 4, 5].map((n) => policy.hasRetriesLeft(n))).toEqual([true, true, true, true, true]);
    expect(policy.hasRetriesLeft(6)).toBe(false);
    expect(policy.hasRetriesLeft(7)).toBe(false);
    expect(new RetryPolicy({ maxRetries: 0 }).hasRetriesLeft(1)).toBe(false);
  });

  it('refuses nonsense settings with CONFIG_INVALID naming the key', () => {
    for (const [options, key] of [
      [{ maxRetries: -1 }, 'maxRetries'],
      [{ baseMs: 0 }, 'retryBaseMs'],
      [{ baseMs: 1_000, capMs: 10 }, 'retryCapMs'],
    ] as const) {
      let thrown: unknown;
      try {
        new RetryPolicy(options);
      } catch (error) {
        thrown = error;
      }
      expect(NotifyError.is(thrown) && thrown.code).toBe('CONFIG_INVALID');
      expect((thrown as NotifyError).details?.[0]?.path).toBe(key);
    }
  });
});
