import assert from 'node:assert/strict';
import type { RateLimiter } from '../ports/rate-limiter.js';
import { type BaseHarness, type ContractIt, sleep, uniqueId, withHarness } from './contract-runner.js';

/** The bucket the suite asks `makeLimiter` for. */
export interface RateLimiterConfig {
  ratePerSecond: number;
  burst: number;
}

/** What `makeLimiter(config)` returns: a limiter with exactly that rate and burst. */
export interface RateLimiterHarness extends BaseHarness<RateLimiter> {
  /**
   * Moves the limiter's clock forward (a ManualClock). Absent when the backend keeps its own time
   * (e.g. Redis): the suite then really waits, with rates chosen to keep that short.
   */
  advance?(ms: number): Promise<void>;
}

const T = 'RateLimiter:';

/** The behaviour every RateLimiter must show; see RateLimiterHarness. Keys are unique per case. */
export function rateLimiterContract(
  it: ContractIt,
  makeLimiter: (config: RateLimiterConfig) => Promise<RateLimiterHarness>,
): void {
  const run =
    (
      config: RateLimiterConfig,
      body: (limiter: RateLimiter, pass: (ms: number) => Promise<void>) => Promise<void>,
    ) =>
    () =>
      withHarness(
        () => makeLimiter(config),
        (harness) => body(harness.subject, (ms) => (harness.advance ? harness.advance(ms) : sleep(ms))),
      );

  it(
    `${T} a burst is allowed, then refused with retryAfterMs > 0`,
    run({ ratePerSecond: 1, burst: 3 }, async (limiter) => {
      const key = uniqueId('burst');
      const decisions = [];
      for (let i = 0; i < 3; i++) decisions.push(await limiter.consume(key));
      assert.deepEqual(
        decisions.map((d) => [d.allowed, d.remaining, d.limit, d.retryAfterMs]),
        [
          [true, 2, 3, 0],
          [true, 1, 3, 0],
          [true, 0, 3, 0],
        ],
      );
      const refused = await limiter.consume(key);
      assert.equal(refused.allowed, false, 'the fourth request within the burst window is refused');
      assert.equal(refused.remaining, 0);
      assert.ok(
        refused.retryAfterMs > 0 && refused.retryAfterMs <= 1000,
        `retryAfterMs ${refused.retryAfterMs} should be in (0, 1000] at 1 token/s`,
      );
      assert.ok(refused.resetMs > 0, 'an empty bucket is not full: resetMs > 0');
    }),
  );

  it(
    `${T} tokens refill over time, never beyond the burst`,
    // 4/s rather than faster: the 0.5 token left after the refill must survive the time between
    // two calls on a busy machine (125 ms of slack at this rate).
    run({ ratePerSecond: 4, burst: 2 }, async (limiter, pass) => {
      const key = uniqueId('refill');
      await limiter.consume(key);
      await limiter.consume(key);
      assert.equal((await limiter.consume(key)).allowed, false);
      await pass(375); // 1.5 tokens at 4/s
      assert.equal((await limiter.consume(key)).allowed, true, 'one token came back');
      assert.equal((await limiter.consume(key)).allowed, false, 'but not two');
      await pass(2500); // 10 tokens' worth, capped at the burst of 2
      const after = [await limiter.consume(key), await limiter.consume(key), await limiter.consume(key)];
      assert.deepEqual(
        after.map((d) => d.allowed),
        [true, true, false],
      );
    }),
  );

  it(
    `${T} keys are independent`,
    run({ ratePerSecond: 1, burst: 1 }, async (limiter) => {
      const a = uniqueId('key-a');
      const b = uniqueId('key-b');
      assert.equal((await limiter.consume(a)).allowed, true);
      assert.equal((await limiter.consume(a)).allowed, false);
      const other = await limiter.consume(b);
      assert.equal(other.allowed, true, 'exhausting one key does not touch another');
      assert.equal(other.remaining, 0);
    }),
  );

  it(
    `${T} cost takes that many tokens, and a refused request takes none`,
    run({ ratePerSecond: 1, burst: 3 }, async (limiter) => {
      const key = uniqueId('cost');
      const first = await limiter.consume(key, 2);
      assert.equal(first.allowed, true);
      assert.equal(first.remaining, 1);
      const tooBig = await limiter.consume(key, 2);
      assert.equal(tooBig.allowed, false);
      assert.ok(tooBig.retryAfterMs > 0);
      const fits = await limiter.consume(key, 1);
      assert.equal(fits.allowed, true, 'the refused request did not spend the last token');
      assert.equal(fits.remaining, 0);
    }),
  );
}
