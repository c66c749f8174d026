// The rate limiter suite must be able to fail (see contract-fault-runner.ts): it runs against
// broken limiters: never refusing, never refilling, one bucket for every key, refusals charged.
import { InMemoryRateLimiter, type RateLimitDecision } from '@notify/email-core';
import { ManualClock, rateLimiterContract } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { outcomeOf, runSuite } from './contract-fault-runner.js';

class NeverRefusingLimiter extends InMemoryRateLimiter {
  override async consume(key: string, cost?: number): Promise<RateLimitDecision> {
    const decision = await super.consume(key, cost);
    return { ...decision, allowed: true, retryAfterMs: 0 };
  }
}

class OneBucketLimiter extends InMemoryRateLimiter {
  override consume(_key: string, cost?: number) {
    return super.consume('everyone', cost);
  }
}

/** Spends tokens even on a refused request, so a client that backs off is starved. */
class RefusalSpendsLimiter extends InMemoryRateLimiter {
  override async consume(key: string, cost = 1): Promise<RateLimitDecision> {
    const decision = await super.consume(key, cost);
    if (!decision.allowed) await super.consume(key, 0.999);
    return decision;
  }
}

describe('rateLimiterContract catches a broken limiter', () => {
  const suite = (
    make: (config: { ratePerSecond: number; burst: number; clock: ManualClock }) => InMemoryRateLimiter,
    refills = true,
  ) =>
    runSuite((it) =>
      rateLimiterContract(it, async (config) => {
        const clock = new ManualClock();
        return {
          subject: make({ ...config, clock }),
          advance: async (ms) => {
            if (refills) clock.advance(ms);
          },
        };
      }),
    );

  it('passes the in-memory reference, every case', async () => {
    const results = await suite((o) => new InMemoryRateLimiter(o));
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
  });

  it('fails a limiter that never refuses', async () => {
    const results = await suite((o) => new NeverRefusingLimiter(o));
    expect(outcomeOf(results, 'a burst is allowed, then refused')).toBe('failed');
  });

  it('fails a limiter that never refills', async () => {
    const results = await suite((o) => new InMemoryRateLimiter(o), false);
    expect(outcomeOf(results, 'tokens refill over time')).toBe('failed');
  });

  it('fails a limiter that shares one bucket between keys', async () => {
    const results = await suite((o) => new OneBucketLimiter(o));
    expect(outcomeOf(results, 'keys are independent')).toBe('failed');
  });

  it('fails a limiter that charges refused requests', async () => {
    const results = await suite((o) => new RefusalSpendsLimiter(o));
    expect(outcomeOf(results, 'a refused request takes none')).toBe('failed');
  });
});
