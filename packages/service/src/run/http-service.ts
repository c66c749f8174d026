import { NotifyError } from '@notify/email-core';
import { createApp, type RunningHttpServer, startHttpServer } from '@notify/host-koa';
import { startWorker, type Worker } from '@notify/host-worker';
import { composeService, type Service } from '../compose/compose-service.js';
import { loadConfig } from '../config/load-config.js';
import { announce } from '../logging/announce.js';
import { onShutdownSignal, reportStartupFailure } from '../process/process-lifecycle.js';

/**
 * The two stock HTTP processes share this: `api` serves the API and runs the outbox relay (a
 * separate worker process consumes the queue); `embedded` adds a worker in the same process,
 * which is what makes the in-memory store and queue usable at all.
 */
export async function runHttpService(role: 'api' | 'embedded'): Promise<void> {
  let service: Service | undefined;
  try {
    const config = loadConfig(process.env);
    service = await composeService(config, { role });
    const { engine, logger } = service;

    engine.startRelay();
    let worker: Worker | undefined;
    if (role === 'embedded') {
      engine.startWebhookDispatcher();
      worker = await startWorker({
        engine,
        queue: service.queue,
        concurrency: config.delivery.workerConcurrency,
        logger,
        drainTimeoutMs: Math.floor(config.process.shutdownTimeoutMs / 3),
      });
    }
    const app = createApp({
      engine,
      logger,
      apiKeys: config.http.apiKeys,
      rateLimiter: service.rateLimiter,
      bodyLimitBytes: config.http.bodyLimitBytes,
    });
    const server = await startHttpServer(app, {
      port: config.http.port,
      host: config.http.host,
      drainTimeoutMs: Math.floor(config.process.shutdownTimeoutMs / 3),
      logger,
    }).catch((error: unknown) => {
      throw listenFailure(error, config.http.port, config.http.host);
    });

    const running = service;
    onShutdownSignal(
      () => shutdown({ service: running, server, worker, budgetMs: config.process.shutdownTimeoutMs }),
      {
        logger,
        timeoutMs: config.process.shutdownTimeoutMs,
      },
    );

    if (service.outboxDir !== undefined) {
      announce(
        logger,
        { outbox_dir: service.outboxDir },
        `Emails are written as .eml files to ${service.outboxDir}`,
      );
    }
    announce(
      logger,
      {
        role,
        port: server.port,
        host: config.http.host,
        backends: service.backends,
        api_key_count: config.http.apiKeys.length,
      },
      `Email service listening on http://${displayHost(config.http.host)}:${server.port}`,
    );
  } catch (error) {
    await service?.close();
    reportStartupFailure(error, service?.logger);
  }
}

interface ShutdownParts {
  service: Service;
  server: RunningHttpServer;
  worker: Worker | undefined;
  budgetMs: number;
}

/**
 * Stop accepting and finish the requests in flight; when this process consumes a queue that is not
 * durable, give the worker a bounded moment to deliver what was accepted (nothing else keeps it);
 * stop the worker; then close the engine (which flushes the outbox relay) and the adapters.
 */
async function shutdown({ service, server, worker, budgetMs }: ShutdownParts): Promise<void> {
  await server.close();
  const { queue } = service;
  if (worker && !queue.capabilities.durable && queue.settle) {
    // The relay publishes accepted ids in batches a few ms after the answer; let it catch up.
    await service.engine.flushOutbox();
    const left = await queue.settle(Math.floor(budgetMs / 3));
    if (left.waiting + left.inFlight > 0) {
      service.logger.warn(
        { waiting: left.waiting, in_flight: left.inFlight },
        'Notifications still waiting in the in-memory queue are dropped at exit; configure DATABASE_URL and RabbitMQ to keep them',
      );
    }
  }
  await worker?.stop();
  await service.close();
}

/** A port that cannot be had is a setting to change, said as one (not a stack trace). */
function listenFailure(error: unknown, port: number, host: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const where = `port ${port} on ${host}`;
  if (code === 'EADDRINUSE') {
    return new NotifyError(
      'CONFIG_INVALID',
      `Invalid configuration: ${where} is in use by another process; set PORT to a free port (PORT=0 picks one)`,
      { cause: error, details: [{ path: 'PORT', message: `${port} is in use` }] },
    );
  }
  if (code === 'EACCES') {
    return new NotifyError(
      'CONFIG_INVALID',
      `Invalid configuration: ${where} needs privileges this process lacks (ports below 1024 do); set PORT to 1024 or above`,
      { cause: error, details: [{ path: 'PORT', message: `${port} is not permitted` }] },
    );
  }
  if (code === 'EADDRNOTAVAIL') {
    return new NotifyError(
      'CONFIG_INVALID',
      `Invalid configuration: HOST ${host} is no address of this machine; set HOST to one of its addresses (0.0.0.0 for all)`,
      { cause: error, details: [{ path: 'HOST', message: `${host} is not an address of this machine` }] },
    );
  }
  return error;
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
