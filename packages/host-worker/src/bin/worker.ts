#!/usr/bin/env node
import { composeService } from '../compose.js';
import { loadConfig } from '../config.js';
import { onShutdownSignal, reportStartupFailure } from '../process-lifecycle.js';
import { startWorker } from '../worker.js';

/** The stock worker process: consume the queue until SIGTERM/SIGINT, then drain and exit 0. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const service = await composeService(config, { role: 'worker' });
  const { logger } = service;
  try {
    const worker = await startWorker({
      engine: service.engine,
      queue: service.queue,
      concurrency: config.workerConcurrency,
      logger,
      // Half the budget for draining, the rest for closing the adapters.
      drainTimeoutMs: Math.floor(config.shutdownTimeoutMs / 2),
    });
    onShutdownSignal(
      async () => {
        await worker.stop();
        await service.close();
      },
      { logger, timeoutMs: config.shutdownTimeoutMs + 2000 },
    );
    if (service.outboxDir !== undefined) {
      logger.info(
        { outbox_dir: service.outboxDir },
        `Emails are written as .eml files to ${service.outboxDir}`,
      );
    }
    logger.info({ backends: service.backends, concurrency: config.workerConcurrency }, 'Worker ready');
  } catch (error) {
    await service.close();
    reportStartupFailure(error, logger);
  }
}

main().catch((error: unknown) => reportStartupFailure(error));
