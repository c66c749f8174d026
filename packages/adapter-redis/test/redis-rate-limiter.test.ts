import type { Logger } from '@notify/email-core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCuttableProxy } from '../../../test-support/tcp-proxy.js';
import type { RedisRateLimiter } from '../src/index.js';
import { createRedisRateLimiter } from '../src/index.js';
import { closedPortUrl, deleteKeys, REDIS_URL, silentServer, uniquePrefix } from './redis-helpers.js';

describe('RedisRateLimiter on a real Redis', () => {
  let admin: Redis;
  const limiters: RedisRateLimiter[] = [];
  const prefixes: string[] = [];

  function limiter(options: { ratePerSecond: number; burst: number; keyPrefix?: string; client?: Redis }) {
    const keyPrefix = options.keyPrefix ?? uniquePrefix('limiter');
    prefixes.push(keyPrefix);
    const made = createRedisRateLimiter({ url: REDIS_URL, failOpen: false, ...options, keyPrefix });
    limiters.push(made);
    return made;
  }

  beforeAll(() => {
    admin = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    await Promise.all(limiters.splice(0).map((l) => l.close()));
    for (const prefix of prefixes.splice(0)) await deleteKeys(admin, prefix);
  });
  afterAll(async () => {
    await admin.quit();
  });

  it('allows the burst, then refuses with a retryAfterMs that matches the rate', async () => {
    const subject = limiter({ ratePerSecond: 2, burst: 5 });
    const decisions = [];
    for (let i = 0; i < 6; i++) decisions.push(await subject.consume('client-a'));
    expect(decisions.slice(0, 5).map((d) => d.allowed)).toEqual([true, true, true, true, true]);
    expect(decisions.slice(0, 5).map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0]);
    const refused = decisions[5]!;
    expect(refused).toMatchObject({ allowed: false, limit: 5, remaining: 0 });
    // One token at 2/s is 500 ms away, less the few ms that passed since the burst.
    expect(refused.retryAfterMs).toBeGreaterThan(400);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(500);
    // Five tokens at 2/s: the bucket is full again in about 2.5 s.
    expect(refused.resetMs).toBeGreaterThan(2_400);
    expect(refused.resetMs).toBeLessThanOrEqual(2_500);
  });

  it('refills at the configured rate', async () => {
    const subject = limiter({ ratePerSecond: 20, burst: 1 });
    expect((await subject.consume('k')).allowed).toBe(true);
    const refused = await subject.consume('k');
    expect(refused.allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs + 5));
    expect((await subject.consume('k')).allowed).toBe(true);
  });

  it('two limiter instances sharing one bucket allow exactly `burst` of 200 concurrent requests', async () => {
    const keyPrefix = uniquePrefix('shared');
    // A refill of one token per 1000 s: nothing comes back during the test, so the count is exact.
    const a = limiter({ ratePerSecond: 0.001, burst: 37, keyPrefix });
    const b = limiter({ ratePerSecond: 0.001, burst: 37, keyPrefix });
    const decisions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).consume('tenant-1')),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(37);
    const remaining = decisions.filter((d) => d.allowed).map((d) => d.remaining);
    expect(new Set(remaining).size).toBe(37);
  });

  it('idle buckets expire once they would have refilled', async () => {
    const subject = limiter({ ratePerSecond: 10, burst: 10 });
    const keyPrefix = prefixes.at(-1)!;
    const decision = await subject.consume('idle', 4);
    const ttl = await admin.pttl(`${keyPrefix}idle`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(decision.resetMs + 1_000);
  });

  it('falls back to EVAL when Redis has forgotten the script (restart, SCRIPT FLUSH)', async () => {
    const subject = limiter({ ratePerSecond: 1, burst: 2 });
    await subject.consume('k');
    await admin.script('FLUSH');
    const decision = await subject.consume('k');
    expect(decision).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('works on an injected client and leaves it connected after close()', async () => {
    const client = new Redis(REDIS_URL);
    try {
      const subject = limiter({ ratePerSecond: 1, burst: 1, client });
      expect(subject.client).toBe(client);
      expect((await subject.consume('k')).allowed).toBe(true);
      await subject.close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.quit();
    }
  });

  it('rejects a bad key or cost with VALIDATION_FAILED naming the field', async () => {
    const subject = limiter({ ratePerSecond: 1, burst: 1 });
    await expect(subject.consume('')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'key' }],
    });
    await expect(subject.consume('k', -1)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'cost' }],
    });
  });
});

describe('RedisRateLimiter when Redis is unreachable', () => {
  function recordingLogger() {
    const warnings: string[] = [];
    const infos: string[] = [];
    const logger: Logger = {
      debug() {},
      info: (_obj, msg) => void infos.push(msg ?? ''),
      warn: (_obj, msg) => void warnings.push(msg ?? ''),
      error() {},
      child: () => logger,
    };
    return { logger, warnings, infos };
  }

  it('fails open by default: allows, and logs one warning for the whole outage', async () => {
    const { logger, warnings } = recordingLogger();
    const subject = createRedisRateLimiter({
      url: await closedPortUrl(),
      ratePerSecond: 1,
      burst: 3,
      logger,
    });
    try {
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push(await subject.consume('k'));
      for (const d of decisions)
        expect(d).toEqual({ allowed: true, limit: 3, remaining: 2, resetMs: 0, retryAfterMs: 0 });
      expect(warnings).toEqual([
        'Redis rate limiter unavailable: allowing requests unlimited until it recovers',
      ]);
    } finally {
      await subject.close();
    }
  });

  it('with failOpen: false, refuses with a retryable UNAVAILABLE', async () => {
    const subject = createRedisRateLimiter({
      url: await closedPortUrl(),
      ratePerSecond: 1,
      burst: 3,
      failOpen: false,
    });
    try {
      const failure = await subject.consume('k').catch((e: unknown) => e);
      expect(failure).toMatchObject({
        code: 'UNAVAILABLE',
        retryable: true,
        message: 'Redis rate limiter unavailable',
      });
    } finally {
      await subject.close();
    }
  });

  it('decides within timeoutMs when Redis accepts the connection but never answers', async () => {
    const silent = await silentServer();
    const subject = createRedisRateLimiter({
      url: silent.url,
      ratePerSecond: 1,
      burst: 3,
      failOpen: false,
      timeoutMs: 150,
    });
    try {
      const started = Date.now();
      await expect(subject.consume('k')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await subject.close();
      silent.close();
    }
  });

  it('an outage mid-life fails open at once, and real decisions resume when Redis is back', async () => {
    const { logger, warnings, infos } = recordingLogger();
    const proxy = await startCuttableProxy(Number(new URL(REDIS_URL).port || 6379));
    const keyPrefix = uniquePrefix('recovery');
    const subject = createRedisRateLimiter({
      url: `redis://${proxy.host}:${proxy.port}`,
      ratePerSecond: 0.001,
      burst: 2,
      keyPrefix,
      logger,
    });
    const admin = new Redis(REDIS_URL);
    try {
      expect(await subject.consume('k')).toMatchObject({ allowed: true, remaining: 1 });
      await proxy.cut();
      const during = [await subject.consume('k'), await subject.consume('k'), await subject.consume('k')];
      expect(during.every((d) => d.allowed)).toBe(true);
      expect(warnings).toHaveLength(1);
      // Once Redis is known to be down, a decision no longer waits for it.
      const started = Date.now();
      await subject.consume('k');
      expect(Date.now() - started).toBeLessThan(50);

      await proxy.restore();
      const deadline = Date.now() + 10_000;
      while (infos.length === 0 && Date.now() < deadline) {
        await subject.consume('k');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(infos).toEqual(['Redis rate limiter recovered']);
      // The bucket kept its state through the outage: one token was spent before it, one after.
      expect(await subject.consume('k')).toMatchObject({ allowed: false, remaining: 0 });
    } finally {
      await subject.close();
      await proxy.close();
      await deleteKeys(admin, keyPrefix);
      await admin.quit();
    }
  });
});
