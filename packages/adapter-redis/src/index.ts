export { redisRateLimiterModule } from './container.js';
export type { RedisRateLimiterOptions } from './options.js';
export { createRedisRateLimiter, RedisRateLimiter } from './redis-rate-limiter.js';
