import type { Logger, RateLimitDecision, RateLimiter } from '@notify/email-core';
import { NotifyError, silentLogger } from '@notify/email-core';
import { Redis } from 'ioredis';
import type { RedisRateLimiterOptions, ResolvedRedisRateLimiterOptions } from './options.js';
import { resolveRedisRateLimiterOptions } from './options.js';
import { TOKEN_BUCKET_LUA, TOKEN_BUCKET_SHA } from './token-bucket-script.js';

type ScriptReply = [allowed: number, tokens: string, resetMs: number, retryAfterMs: number];

/**
 * RateLimiter on Redis: one token bucket per key, shared by every process that uses the same
 * Redis and key prefix. Each decision is one script call, so concurrent consumers never both
 * spend the last token.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly settings: ResolvedRedisRateLimiterOptions;
  private readonly logger: Logger;
  /** True while Redis is failing, so an outage logs one warning, not one per request. */
  private degraded = false;
  private closed = false;

  constructor(options: RedisRateLimiterOptions) {
    this.settings = resolveRedisRateLimiterOptions(options);
    this.logger = options.logger ?? silentLogger;
    if (this.settings.client) {
      this.client = this.settings.client;
      this.ownsClient = false;
    } else {
      this.client = new Redis(this.settings.url!, {
        // A queued command would wait out the whole reconnect loop; one retry, then fail fast.
        maxRetriesPerRequest: 1,
        connectTimeout: this.settings.timeoutMs * 4,
      });
      this.ownsClient = true;
      // Without a listener ioredis prints every reconnect failure to stderr; consume() reports outages.
      this.client.on('error', () => {});
    }
  }

  async consume(key: string, cost = 1): Promise<RateLimitDecision> {
    if (typeof key !== 'string' || key === '') {
      throw new NotifyError('VALIDATION_FAILED', 'key must be a non-empty string', {
        details: [{ path: 'key', message: 'must be a non-empty string' }],
      });
    }
    if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) {
      throw new NotifyError('VALIDATION_FAILED', 'cost must be a number >= 0', {
        details: [{ path: 'cost', message: 'must be a number >= 0' }],
      });
    }
    // During a known outage, answer at once instead of making every request wait out the timeout;
    // the client reconnects in the background and the first call after that asks Redis again.
    if (this.degraded && this.client.status !== 'ready') {
      return this.whenUnavailable(new Error(`Redis connection is ${this.client.status}`), cost);
    }
    let reply: ScriptReply;
    try {
      reply = await this.withTimeout(this.runScript(this.settings.keyPrefix + key, cost));
    } catch (error) {
      return this.whenUnavailable(error, cost);
    }
    if (this.degraded) {
      this.degraded = false;
      this.logger.info({ limiter: 'redis' }, 'Redis rate limiter recovered');
    }
    const [allowed, tokens, resetMs, retryAfterMs] = reply;
    return {
      allowed: allowed === 1,
      limit: this.settings.burst,
      remaining: Math.floor(Number(tokens)),
      resetMs,
      retryAfterMs,
    };
  }

  /** Quits the limiter's own connection; an injected client belongs to the embedder and stays open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.ownsClient) return;
    // QUIT waits for its reply, which a Redis that is down or mute never sends: say goodbye only
    // to a connection that is answering, and within the usual time budget.
    if (this.client.status === 'ready') {
      try {
        await this.withTimeout(this.client.quit());
        return;
      } catch {
        // fall through to a hard disconnect
      }
    }
    this.client.disconnect();
  }

  /** EVALSHA first (the script body travels once per Redis restart), EVAL when Redis lost it. */
  private async runScript(fullKey: string, cost: number): Promise<ScriptReply> {
    if (this.closed) throw new Error('rate limiter is closed');
    const args = [fullKey, this.settings.ratePerSecond, this.settings.burst, cost] as const;
    try {
      return (await this.client.evalsha(TOKEN_BUCKET_SHA, 1, ...args)) as ScriptReply;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await this.client.eval(TOKEN_BUCKET_LUA, 1, ...args)) as ScriptReply;
    }
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer from Redis within ${this.settings.timeoutMs} ms`)),
        this.settings.timeoutMs,
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private whenUnavailable(error: unknown, cost: number): RateLimitDecision {
    const failure = new NotifyError('UNAVAILABLE', 'Redis rate limiter unavailable', { cause: error });
    if (!this.degraded) {
      this.degraded = true;
      this.logger.warn(
        { limiter: 'redis', failOpen: this.settings.failOpen, err: failure },
        this.settings.failOpen
          ? 'Redis rate limiter unavailable: allowing requests unlimited until it recovers'
          : 'Redis rate limiter unavailable: refusing requests until it recovers',
      );
    }
    if (!this.settings.failOpen) throw failure;
    // Fail open: answer as a fresh bucket would, so callers' headers stay plausible.
    return {
      allowed: true,
      limit: this.settings.burst,
      remaining: Math.max(0, Math.floor(this.settings.burst - cost)),
      resetMs: 0,
      retryAfterMs: 0,
    };
  }
}

/** Creates the limiter; throws CONFIG_INVALID naming the bad option. */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  return new RedisRateLimiter(options);
}
