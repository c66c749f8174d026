import { InMemoryRateLimiter } from '@notify/email-core';
import { ManualClock, rateLimiterContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';

describe('InMemoryRateLimiter', () => {
  rateLimiterContract(it, async (config) => {
    const clock = new ManualClock();
    return {
      subject: new InMemoryRateLimiter({ ...config, clock }),
      advance: async (ms) => {
        clock.advance(ms);
      },
    };
  });
});
