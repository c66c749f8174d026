import type { RateLimiter } from '@notify/email-core';
import { RateLimiterToken } from '@notify/email-core';
import { ContainerModule } from 'inversify';
import type { RedisRateLimiterOptions } from './options.js';
import { resolveRedisRateLimiterOptions } from './options.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';

/**
 * Binds RateLimiterToken to one RedisRateLimiter per container. Options are checked here, so a
 * bad configuration fails at composition; the connection opens on first resolve and is closed
 * when the container unbinds the limiter (`unbindAsync`).
 */
export function redisRateLimiterModule(options: RedisRateLimiterOptions): ContainerModule {
  resolveRedisRateLimiterOptions(options);
  return new ContainerModule(({ bind }) => {
    bind<RateLimiter>(RateLimiterToken)
      .toDynamicValue(() => createRedisRateLimiter(options))
      .inSingletonScope()
      .onDeactivation((limiter) => limiter.close());
  });
}
