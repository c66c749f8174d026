import { once } from 'node:events';
import { NotifyError, RateLimiterToken } from '@notify/email-core';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../test-support/thrown.js';
import { createRedisRateLimiter, RedisRateLimiter, redisRateLimiterModule } from '../src/index.js';
import { REDIS_URL } from './redis-helpers.js';

const configError = (run: () => unknown) => thrownBy(run, NotifyError.is);

describe('RedisRateLimiterOptions validation', () => {
  const ok = { url: REDIS_URL, ratePerSecond: 1, burst: 1 };
  it.each([
    [{ ratePerSecond: 1, burst: 1 }, 'url'],
    [{ ...ok, url: 'http://x' }, 'url'],
    [{ ...ok, ratePerSecond: 0 }, 'ratePerSecond'],
    [{ ...ok, ratePerSecond: Number.NaN }, 'ratePerSecond'],
    [{ ...ok, burst: 2.5 }, 'burst'],
    [{ ...ok, burst: 0 }, 'burst'],
    [{ ...ok, keyPrefix: 7 }, 'keyPrefix'],
    [{ ...ok, failOpen: 'yes' }, 'failOpen'],
    [{ ...ok, timeoutMs: 0 }, 'timeoutMs'],
    [{ ratePerSecond: 1, burst: 1, client: {} }, 'client'],
  ])('%j → CONFIG_INVALID naming %s', (options, key) => {
    const error = configError(() => createRedisRateLimiter(options as never));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`RedisRateLimiterOptions.${key}`);
    expect(error.details?.[0]?.path).toBe(key);
  });
});

describe('redisRateLimiterModule', () => {
  it('binds RateLimiterToken to one limiter per container, closed by unbindAsync', async () => {
    const container = new Container();
    container.load(redisRateLimiterModule({ url: REDIS_URL, ratePerSecond: 1, burst: 1 }));
    const limiter = container.get<RedisRateLimiter>(RateLimiterToken);
    expect(limiter).toBeInstanceOf(RedisRateLimiter);
    expect(container.get(RateLimiterToken)).toBe(limiter);
    expect((await limiter.consume(`module-test-${Date.now()}`)).allowed).toBe(true);
    const ended = once(limiter.client, 'end');
    await container.unbindAsync(RateLimiterToken);
    await ended;
  });

  it('rejects bad options when the module is built', () => {
    expect(
      configError(() => redisRateLimiterModule({ url: REDIS_URL, ratePerSecond: 1, burst: 0 })).code,
    ).toBe('CONFIG_INVALID');
  });
});
