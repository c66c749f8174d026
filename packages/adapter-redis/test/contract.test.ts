import { rateLimiterContract } from '@notify/email-core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, it } from 'vitest';
import { createRedisRateLimiter } from '../src/index.js';
import { deleteKeys, REDIS_URL, uniquePrefix } from './redis-helpers.js';

let admin: Redis;
beforeAll(() => {
  admin = new Redis(REDIS_URL);
});
afterAll(async () => {
  await admin.quit();
});

// Redis keeps its own time, so the harness has no `advance`: the suite really waits.
rateLimiterContract(it, async (config) => {
  const keyPrefix = uniquePrefix('contract');
  const subject = createRedisRateLimiter({ url: REDIS_URL, keyPrefix, failOpen: false, ...config });
  return {
    subject,
    async cleanup() {
      await subject.close();
      await deleteKeys(admin, keyPrefix);
    },
  };
});
