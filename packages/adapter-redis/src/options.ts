import type { Logger } from '@notify/email-core';
import { NotifyError } from '@notify/email-core';
import type { Redis } from 'ioredis';

export interface RedisRateLimiterOptions {
  /** `redis://[:password@]host:6379[/db]` (or `rediss://`). Required unless `client` is given. */
  url?: string;
  /** An existing ioredis client to use instead of opening one (the embedder keeps ownership: `close()` leaves it connected). */
  client?: Redis;
  /** Tokens added to each bucket per second (the sustained rate). Required, > 0. */
  ratePerSecond: number;
  /** Bucket capacity: how many requests may arrive at once. Required, integer >= 1. */
  burst: number;
  /** Prefix of every bucket key, so several services or tests can share one Redis. Default `notify:ratelimit:`. */
  keyPrefix?: string;
  /**
   * What `consume` answers when Redis cannot: true (default) allows the request and logs a warning
   * (a limiter outage must not take the API down); false rejects with NotifyError UNAVAILABLE.
   */
  failOpen?: boolean;
  /** How long one decision may take before Redis counts as unavailable, in ms. Default 500. */
  timeoutMs?: number;
  /** Where outages and recoveries are reported. Default: silent. */
  logger?: Logger;
}

export interface ResolvedRedisRateLimiterOptions {
  url: string | undefined;
  client: Redis | undefined;
  ratePerSecond: number;
  burst: number;
  keyPrefix: string;
  failOpen: boolean;
  timeoutMs: number;
}

function invalid(key: string, rule: string): NotifyError {
  return new NotifyError('CONFIG_INVALID', `RedisRateLimiterOptions.${key} ${rule}`, {
    details: [{ path: key, message: rule }],
  });
}

/** Checks every option and fills in defaults; throws CONFIG_INVALID naming the first bad key. */
export function resolveRedisRateLimiterOptions(
  options: RedisRateLimiterOptions,
): ResolvedRedisRateLimiterOptions {
  if (typeof options !== 'object' || options === null) throw invalid('(options)', 'must be an object');
  const { url, client, ratePerSecond, burst } = options;
  if (client === undefined) {
    if (typeof url !== 'string' || !/^rediss?:\/\/./.test(url)) {
      throw invalid('url', 'must be a redis:// or rediss:// URL when no client is given');
    }
  } else if (typeof (client as { evalsha?: unknown }).evalsha !== 'function') {
    throw invalid('client', 'must be an ioredis client');
  }
  if (typeof ratePerSecond !== 'number' || !Number.isFinite(ratePerSecond) || ratePerSecond <= 0) {
    throw invalid('ratePerSecond', 'must be a number > 0');
  }
  if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1) {
    throw invalid('burst', 'must be an integer >= 1');
  }
  const keyPrefix = options.keyPrefix ?? 'notify:ratelimit:';
  if (typeof keyPrefix !== 'string') throw invalid('keyPrefix', 'must be a string');
  const failOpen = options.failOpen ?? true;
  if (typeof failOpen !== 'boolean') throw invalid('failOpen', 'must be a boolean');
  const timeoutMs = options.timeoutMs ?? 500;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw invalid('timeoutMs', 'must be a positive integer');
  }
  return {
    url: client === undefined ? url : undefined,
    client,
    ratePerSecond,
    burst,
    keyPrefix,
    failOpen,
    timeoutMs,
  };
}
