import { mkdirSync, mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createEmailEngine,
  DirectoryTemplateSource,
  defaultTemplatesDir,
  type EmailEngineInstance,
  InMemoryNotificationQueue,
  InMemoryNotificationStore,
  InMemoryRateLimiter,
  type MailTransport,
  type NotificationQueue,
  type NotificationStore,
  NotifyError,
  type RateLimiter,
  type StatusNotifier,
  type TemplateSource,
} from '@notify/email-core';
import type pino from 'pino';
import type { ServiceConfig } from '../config/load-config.js';
import { createLogger } from '../logging/logger.js';
import { closeInOrder } from '../process/close-in-order.js';
import { serviceVersion } from '../version.js';

export type ServiceRole = 'api' | 'worker' | 'embedded';

export interface ComposeOptions {
  /** What the process runs: the API, a worker, or both in one process (embedded). Default embedded. */
  role?: ServiceRole;
  /** A logger to use instead of one built from the config (tests capture lines this way). */
  logger?: pino.Logger;
}

/** Everything a host process needs, built from the configuration. */
export interface Service {
  engine: EmailEngineInstance;
  queue: NotificationQueue;
  store: NotificationStore;
  transport: MailTransport;
  /** Present when the API should limit request rates. */
  rateLimiter?: RateLimiter;
  logger: pino.Logger;
  /** Where `.eml` files are written when no SMTP host is configured; undefined when sending by SMTP. */
  outboxDir?: string;
  /** Which implementation backs each port, for the start-up log line (no secrets). */
  backends: Record<'store' | 'queue' | 'transport' | 'templates' | 'notifier' | 'rateLimiter', string>;
  /** Stops the engine's background loops, then closes every adapter. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Builds the engine and its adapters from the configuration: a real adapter for every backend
 * that is configured, the core's in-memory implementations for the rest. The in-memory store and
 * queue live inside this process, so they are only allowed in the embedded role, where API and
 * worker share them; a separate API or worker process needs PostgreSQL and RabbitMQ.
 */
export async function composeService(config: ServiceConfig, options: ComposeOptions = {}): Promise<Service> {
  const role = options.role ?? 'embedded';
  if (role !== 'embedded' && (config.databaseUrl === undefined || config.rabbitmqUrl === undefined)) {
    const missing = [
      config.databaseUrl === undefined ? 'DATABASE_URL' : undefined,
      config.rabbitmqUrl === undefined ? 'RABBITMQ_URL (or RABBITMQ_HOST)' : undefined,
    ].filter(Boolean);
    throw new NotifyError(
      'CONFIG_INVALID',
      `Invalid configuration: a separate ${role} process needs ${missing.join(' and ')}, which it shares with the ` +
        `other processes; without them run the embedded service (notify-serve), which holds API and worker in one process`,
      {
        details: missing.map((variable) => ({
          path: String(variable),
          message: `is required for the ${role} role`,
        })),
      },
    );
  }
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      name: `notify-email.${role}`,
      redactEmails: !config.logRecipients,
    });
  const workerId = `${hostname()}:${process.pid}`;
  const closers: Array<{ name: string; close: () => Promise<void> }> = [];

  try {
    // Adapters are imported only when configured: the embedded default loads no client library.
    const store: NotificationStore = config.databaseUrl
      ? (await import('@notify/adapter-postgres')).createPostgresStore({
          connectionString: config.databaseUrl,
          max: config.databasePoolSize,
          preparedStatements: config.databasePreparedStatements,
          logger: logger.child({ component: 'postgres' }),
        })
      : new InMemoryNotificationStore();
    closers.push({ name: 'store', close: () => store.close() });

    const queue: NotificationQueue = config.rabbitmqUrl
      ? (await import('@notify/adapter-amqp')).createAmqpQueue({
          url: config.rabbitmqUrl,
          connectionName: `notify-email ${role} ${workerId}`,
          logger: logger.child({ component: 'amqp' }),
        })
      : new InMemoryNotificationQueue({ redeliveryDelayMs: 1000 });
    closers.push({ name: 'queue', close: () => queue.close() });

    const { transport, outboxDir } = await buildTransport(config);
    closers.push({ name: 'transport', close: () => transport.close() });

    const templates: TemplateSource = config.templateServiceUrl
      ? (await import('@notify/adapter-http')).createHttpTemplateSource({
          baseUrl: config.templateServiceUrl,
          timeoutMs: config.templateServiceTimeoutMs,
          cacheTtlMs: config.templateCacheTtlMs,
        })
      : new DirectoryTemplateSource(config.templatesDir ?? defaultTemplatesDir());
    const closableTemplates = templates as Partial<{ close(): Promise<void> }>;
    if (typeof closableTemplates.close === 'function') {
      closers.push({ name: 'templates', close: () => closableTemplates.close?.() ?? Promise.resolve() });
    }

    let notifier: StatusNotifier | undefined;
    if (config.statusCallbackUrl) {
      const { createWebhookNotifier } = await import('@notify/adapter-http');
      const webhook = createWebhookNotifier({
        url: config.statusCallbackUrl,
        ...(config.statusCallbackSecret ? { secret: config.statusCallbackSecret } : {}),
        logger: logger.child({ component: 'status-callback' }),
      });
      notifier = webhook;
      closers.push({ name: 'status callbacks', close: () => webhook.close() });
    }

    let rateLimiter: RateLimiter | undefined;
    if (role !== 'worker' && config.rateLimit) {
      const { perSecond, burst } = config.rateLimit;
      const limiter: RateLimiter = config.redisUrl
        ? (await import('@notify/adapter-redis')).createRedisRateLimiter({
            url: config.redisUrl,
            ratePerSecond: perSecond,
            burst,
            logger: logger.child({ component: 'redis' }),
          })
        : new InMemoryRateLimiter({ ratePerSecond: perSecond, burst });
      rateLimiter = limiter;
      closers.push({ name: 'rate limiter', close: () => limiter.close() });
    }

    const engine = createEmailEngine(
      { store, queue, transport, templates, notifier, logger },
      {
        from: config.emailFrom,
        maxRetries: config.maxRetries,
        retryBaseMs: config.retryBaseMs,
        retryCapMs: config.retryCapMs,
        workerId,
        version: serviceVersion(),
        breaker: config.breaker,
        leaseMs: config.processingLeaseMs,
        outbox: {
          recoveryIntervalMs: config.outboxRecovery.intervalMs,
          recoveryGraceMs: config.outboxRecovery.graceMs,
        },
      },
    );
    // The engine goes first: stopping it flushes the outbox relay, which still needs store and queue.
    closers.unshift({ name: 'engine', close: () => engine.stop() });

    const backends = {
      store: config.databaseUrl ? 'postgres' : 'in-memory',
      queue: config.rabbitmqUrl ? 'rabbitmq' : 'in-memory',
      transport: config.smtp ? `smtp ${config.smtp.host}:${config.smtp.port}` : 'eml-files',
      templates: config.templateServiceUrl ? 'http' : 'directory',
      notifier: notifier ? 'webhook' : 'none',
      rateLimiter: rateLimiter ? (config.redisUrl ? 'redis' : 'in-memory') : 'none',
    };
    if (config.databaseUrl && !config.rabbitmqUrl) {
      logger.warn(
        {},
        'The queue is in memory while the store is durable: messages waiting in it are lost when the process ' +
          'stops, and their notifications stay queued; configure RabbitMQ for production',
      );
    }

    let closing: Promise<void> | undefined;
    const service: Service = {
      engine,
      queue,
      store,
      transport,
      logger,
      backends,
      close() {
        closing ??= closeInOrder(closers, logger, config.shutdownTimeoutMs);
        return closing;
      },
    };
    if (rateLimiter) service.rateLimiter = rateLimiter;
    if (outboxDir !== undefined) service.outboxDir = outboxDir;
    return service;
  } catch (error) {
    // Whatever was opened before the failure is closed again, so a bad option does not leave
    // a pool or a broker connection keeping the process alive.
    await closeInOrder(closers, logger, config.shutdownTimeoutMs);
    throw error;
  }
}

async function buildTransport(
  config: ServiceConfig,
): Promise<{ transport: MailTransport; outboxDir?: string }> {
  const { createEmlFileTransport, createSmtpTransport } = await import('@notify/adapter-smtp');
  if (config.smtp) {
    const smtp = config.smtp;
    return {
      transport: createSmtpTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        requireTLS: smtp.requireTLS,
        ...(smtp.auth ? { auth: smtp.auth } : {}),
        maxConnections: smtp.poolSize,
        connectionTimeoutMs: smtp.connectionTimeoutMs,
        greetingTimeoutMs: smtp.greetingTimeoutMs,
        socketTimeoutMs: smtp.socketTimeoutMs,
      }),
    };
  }
  const directory = config.outboxDir
    ? resolve(config.outboxDir)
    : mkdtempSync(join(tmpdir(), 'notify-outbox-'));
  mkdirSync(directory, { recursive: true });
  return { transport: createEmlFileTransport({ directory }), outboxDir: directory };
}
