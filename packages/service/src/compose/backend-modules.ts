import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  defaultTemplatesDir,
  directoryTemplateSourceModule,
  inMemoryQueueModule,
  inMemoryRateLimiterModule,
  inMemoryStoreModule,
  type Logger,
} from '@notify/email-core';
import type { ContainerModule } from 'inversify';
import type { ServiceConfig } from '../config/load-config.js';

/** The ports the stock service binds; the engine needs the first four. */
export type BackendPort = 'store' | 'queue' | 'transport' | 'templates' | 'notifier' | 'rateLimiter';

/** The module chosen for one port, and what chose it, for the start-up line and error messages. */
export interface BackendChoice {
  port: BackendPort;
  /** Which implementation, e.g. `postgres`, `in-memory`, `smtp mx.example.com:587`. */
  name: string;
  /** The variable that selects the real adapter for this port. */
  selectedBy: string;
  module: ContainerModule;
}

export interface BackendContext {
  /** Who the process is, for the broker connection name (`notify-email worker host:pid`). */
  connectionName: string;
  logger: Logger;
  /** Bind a rate limiter: only a process that serves the API limits requests. */
  rateLimits: boolean;
}

/** What the choices add up to. */
export interface BackendPlan {
  choices: BackendChoice[];
  /** Where `.eml` files are written when no SMTP host is configured. */
  outboxDir?: string;
  /** True when that folder is a temp folder made here (OUTBOX_DIR unset), removed at close if left empty. */
  temporaryOutbox?: boolean;
}

/**
 * One module per port: the adapter's where its variable is set, the core's in-memory backend
 * otherwise. Adapters are imported only when configured, so the embedded default loads no client
 * library. Options are checked by each module factory (CONFIG_INVALID naming the key).
 */
export async function chooseBackends(config: ServiceConfig, context: BackendContext): Promise<BackendPlan> {
  const { logger } = context;
  const choices: BackendChoice[] = [];
  const choose = (port: BackendPort, name: string, selectedBy: string, module: ContainerModule) =>
    choices.push({ port, name, selectedBy, module });

  if (config.store.url) {
    const { postgresStoreModule } = await import('@notify/adapter-postgres');
    const module = postgresStoreModule({
      connectionString: config.store.url,
      max: config.store.poolSize,
      preparedStatements: config.store.preparedStatements,
      logger: logger.child({ component: 'postgres' }),
    });
    choose('store', 'postgres', 'DATABASE_URL', module);
  } else choose('store', 'in-memory', 'DATABASE_URL', inMemoryStoreModule());

  if (config.queue.url) {
    const { amqpQueueModule } = await import('@notify/adapter-amqp');
    const module = amqpQueueModule({
      url: config.queue.url,
      connectionName: context.connectionName,
      logger: logger.child({ component: 'amqp' }),
    });
    choose('queue', 'rabbitmq', 'RABBITMQ_URL (or RABBITMQ_HOST)', module);
  } else {
    choose(
      'queue',
      'in-memory',
      'RABBITMQ_URL (or RABBITMQ_HOST)',
      inMemoryQueueModule({ redeliveryDelayMs: 1000 }),
    );
  }

  const { emlFileTransportModule, smtpTransportModule } = await import('@notify/adapter-smtp');
  const smtp = config.email.smtp;
  let outboxDir: string | undefined;
  if (smtp) {
    const module = smtpTransportModule({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: smtp.requireTLS,
      ...(smtp.auth ? { auth: smtp.auth } : {}),
      maxConnections: smtp.poolSize,
      connectionTimeoutMs: smtp.connectionTimeoutMs,
      greetingTimeoutMs: smtp.greetingTimeoutMs,
      socketTimeoutMs: smtp.socketTimeoutMs,
    });
    choose('transport', `smtp ${smtp.host}:${smtp.port}`, 'EMAIL_HOST', module);
  } else {
    outboxDir = config.email.outboxDir
      ? resolve(config.email.outboxDir)
      : mkdtempSync(join(tmpdir(), 'notify-outbox-'));
    mkdirSync(outboxDir, { recursive: true });
    choose('transport', 'eml-files', 'EMAIL_HOST', emlFileTransportModule({ directory: outboxDir }));
  }

  if (config.templates.serviceUrl) {
    const { httpTemplateSourceModule } = await import('@notify/adapter-http');
    const module = httpTemplateSourceModule({
      baseUrl: config.templates.serviceUrl,
      timeoutMs: config.templates.timeoutMs,
      cacheTtlMs: config.templates.cacheTtlMs,
    });
    choose('templates', 'http', 'TEMPLATE_SERVICE_URL', module);
  } else {
    const module = directoryTemplateSourceModule(config.templates.dir ?? defaultTemplatesDir());
    choose('templates', 'directory', 'TEMPLATE_SERVICE_URL', module);
  }

  const limit = config.http.rateLimit;
  if (context.rateLimits && limit) {
    const { perSecond, burst } = limit;
    if (config.redis.url) {
      const { redisRateLimiterModule } = await import('@notify/adapter-redis');
      const module = redisRateLimiterModule({
        url: config.redis.url,
        ratePerSecond: perSecond,
        burst,
        logger: logger.child({ component: 'redis' }),
      });
      choose('rateLimiter', 'redis', 'REDIS_URL', module);
    } else {
      const module = inMemoryRateLimiterModule({ ratePerSecond: perSecond, burst });
      choose('rateLimiter', 'in-memory', 'REDIS_URL', module);
    }
  }
  if (outboxDir === undefined) return { choices };
  return { choices, outboxDir, temporaryOutbox: config.email.outboxDir === undefined };
}
