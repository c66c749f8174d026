import { type Logger, NotifyError, silentLogger } from '@notify/email-core';
import type { ChannelModel } from 'amqplib';

/** Retry tiers of the delay queues: 1 s … 10 min, the span of the core's retry backoff. */
export const DEFAULT_DELAY_TIERS_MS: readonly number[] = [
  1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000,
];

export interface AmqpReconnectOptions {
  /** First wait after a lost connection, in ms (default 200). Doubles per failed attempt. */
  initialDelayMs?: number;
  /** Ceiling of the wait between attempts, in ms (default 30 000). */
  maxDelayMs?: number;
}

export interface AmqpQueueOptions {
  /** Broker URL, e.g. `amqp://guest:guest@127.0.0.1:5672/vhost`. Required unless `connection` is given. */
  url?: string;
  /**
   * An amqplib connection to use instead of `url`: either an open `ChannelModel` (the embedder owns
   * it: `close()` leaves it open, and once it is lost the adapter can only reconnect if `url` is
   * also given) or a function that opens one (called again on every reconnect; the adapter closes
   * what it opened).
   */
  connection?: ChannelModel | (() => Promise<ChannelModel>);
  /** `connection_name` client property, shown by `rabbitmqctl list_connections client_properties`. */
  connectionName?: string;
  /** Durable direct exchange everything is published to (default `notifications.direct`). */
  exchange?: string;
  /** Work queue the workers consume (default `email.queue`). */
  queue?: string;
  /** Dead-letter queue, bound with routing key `failed` (default `failed.queue`). */
  failedQueue?: string;
  /** Name prefix of the delay-tier queues, e.g. `email.delay.` → `email.delay.5s` (default). */
  delayQueuePrefix?: string;
  /** Retry tiers in ms, each a queue with a fixed TTL (default 1 s, 2 s, 5 s, 10 s, 30 s, 1, 2, 5, 10 min). */
  delayTiersMs?: readonly number[];
  /** `x-max-priority` of the work queue; priorities 1..100 are mapped onto 0..maxPriority (default 10). */
  maxPriority?: number;
  /** Upper bound on unacknowledged messages per consumer; the effective prefetch is min(concurrency, prefetch) (default 100). */
  prefetch?: number;
  /** When a handler throws, the message comes back after this many ms via a delay tier; 0 requeues at once (default 1000). */
  redeliveryDelayMs?: number;
  /** A publish (or dead-letter) not confirmed by the broker within this many ms rejects with QUEUE_UNAVAILABLE (default 5000). */
  publishTimeoutMs?: number;
  /** TCP connect + AMQP handshake timeout per attempt, in ms (default 5000). */
  connectTimeoutMs?: number;
  /** AMQP heartbeat in seconds, so a silently dead broker is noticed (default 15; 0 disables). */
  heartbeatSeconds?: number;
  /** Backoff between reconnect attempts. */
  reconnect?: AmqpReconnectOptions;
  /** Declare the exchange and queues on every (re)connect (default true). Off when an operator owns the topology. */
  assertTopology?: boolean;
  /** Where connection losses, reconnects and dead letters are reported (default silent). */
  logger?: Logger;
}

export interface ResolvedAmqpQueueOptions {
  url: string | undefined;
  connection: AmqpQueueOptions['connection'];
  connectionName: string;
  exchange: string;
  queue: string;
  failedQueue: string;
  delayQueuePrefix: string;
  delayTiersMs: number[];
  maxPriority: number;
  prefetch: number;
  redeliveryDelayMs: number;
  publishTimeoutMs: number;
  connectTimeoutMs: number;
  heartbeatSeconds: number;
  reconnectInitialDelayMs: number;
  reconnectMaxDelayMs: number;
  assertTopology: boolean;
  logger: Logger;
}

function invalid(key: string, message: string): NotifyError {
  return new NotifyError('CONFIG_INVALID', `amqp queue option "${key}" ${message}`, {
    details: [{ path: key, message }],
  });
}

function intOption(
  key: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(key, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function nameOption(key: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  // AMQP short strings: at most 255 bytes.
  if (typeof value !== 'string' || value.length === 0 || Buffer.byteLength(value) > 255) {
    throw invalid(key, 'must be a non-empty string of at most 255 bytes');
  }
  return value;
}

/** Checks every option and fills in defaults; throws CONFIG_INVALID naming the first bad key. */
export function resolveAmqpQueueOptions(options: AmqpQueueOptions): ResolvedAmqpQueueOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  const { url, connection } = options;
  if (url !== undefined) {
    if (typeof url !== 'string' || !/^amqps?:\/\//.test(url))
      throw invalid('url', 'must be an amqp:// or amqps:// URL');
    try {
      new URL(url);
    } catch {
      throw invalid('url', 'is not a parseable URL');
    }
  }
  if (connection !== undefined) {
    const ok =
      typeof connection === 'function' ||
      (typeof connection === 'object' &&
        connection !== null &&
        typeof connection.createConfirmChannel === 'function');
    if (!ok) throw invalid('connection', 'must be an amqplib ChannelModel or a function returning one');
  }
  if (url === undefined && connection === undefined)
    throw invalid('url', 'is required when no connection is given');

  const tiers = options.delayTiersMs ?? DEFAULT_DELAY_TIERS_MS;
  if (!Array.isArray(tiers) || tiers.length === 0) throw invalid('delayTiersMs', 'must be a non-empty array');
  for (const [i, tier] of tiers.entries()) intOption(`delayTiersMs[${i}]`, tier, 0, 1, 2 ** 31 - 1);
  const sortedTiers = [...new Set(tiers)].sort((a, b) => a - b);

  const reconnect = options.reconnect ?? {};
  if (typeof reconnect !== 'object' || reconnect === null) throw invalid('reconnect', 'must be an object');
  const reconnectInitialDelayMs = intOption(
    'reconnect.initialDelayMs',
    reconnect.initialDelayMs,
    200,
    1,
    600_000,
  );
  const reconnectMaxDelayMs = intOption('reconnect.maxDelayMs', reconnect.maxDelayMs, 30_000, 1, 3_600_000);
  if (reconnectMaxDelayMs < reconnectInitialDelayMs) {
    throw invalid('reconnect.maxDelayMs', 'must not be below reconnect.initialDelayMs');
  }

  const exchange = nameOption('exchange', options.exchange, 'notifications.direct');
  const queue = nameOption('queue', options.queue, 'email.queue');
  const failedQueue = nameOption('failedQueue', options.failedQueue, 'failed.queue');
  if (failedQueue === queue) throw invalid('failedQueue', 'must differ from queue');

  const logger = options.logger ?? silentLogger;
  if (typeof logger.warn !== 'function' || typeof logger.child !== 'function') {
    throw invalid('logger', 'must implement the core Logger interface');
  }
  if (options.assertTopology !== undefined && typeof options.assertTopology !== 'boolean') {
    throw invalid('assertTopology', 'must be a boolean');
  }

  return {
    url,
    connection,
    connectionName: nameOption('connectionName', options.connectionName, 'notify-email'),
    exchange,
    queue,
    failedQueue,
    delayQueuePrefix: nameOption('delayQueuePrefix', options.delayQueuePrefix, 'email.delay.'),
    delayTiersMs: sortedTiers,
    // RabbitMQ allows 1..255, but advises against more than 10: every level costs memory and CPU.
    maxPriority: intOption('maxPriority', options.maxPriority, 10, 1, 255),
    prefetch: intOption('prefetch', options.prefetch, 100, 1, 65_535),
    redeliveryDelayMs: intOption('redeliveryDelayMs', options.redeliveryDelayMs, 1_000, 0, 2 ** 31 - 1),
    publishTimeoutMs: intOption('publishTimeoutMs', options.publishTimeoutMs, 5_000, 1, 600_000),
    connectTimeoutMs: intOption('connectTimeoutMs', options.connectTimeoutMs, 5_000, 1, 600_000),
    heartbeatSeconds: intOption('heartbeatSeconds', options.heartbeatSeconds, 15, 0, 3_600),
    reconnectInitialDelayMs,
    reconnectMaxDelayMs,
    assertTopology: options.assertTopology ?? true,
    logger,
  };
}
