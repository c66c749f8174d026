import { startWorker } from '@notify/host-worker';
import { composeService } from '../compose/compose-service.js';
import { loadConfig } from '../config/load-config.js';
import { announce } from '../logging/announce.js';
import { onShutdownSignal, reportStartupFailure } from '../process/process-lifecycle.js';

/** The stock worker process: consume the queue until SIGTERM/SIGINT, then drain and exit 0. */
export async function runWorkerService(): Promise<void> {
  try {
    const config = loadConfig(process.env);
    const service = await composeService(config, { role: 'worker' });
    const { logger } = service;
    try {
      // Webhooks go out beside the mail, from the same processes (docs/webhooks.md).
      service.engine.startWebhookDispatcher();
      const worker = await startWorker({
        engine: service.engine,
        queue: service.queue,
        concurrency: config.delivery.workerConcurrency,
        logger,
        // Half the budget for draining, the rest for closing the adapters.
        drainTimeoutMs: Math.floor(config.process.shutdownTimeoutMs / 2),
      });
      onShutdownSignal(
        async () => {
          await worker.stop();
          await service.close();
        },
        { logger, timeoutMs: config.process.shutdownTimeoutMs },
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
        { backends: service.backends, concurrency: config.delivery.workerConcurrency },
        'Worker ready',
      );
    } catch (error) {
      await service.close();
      reportStartupFailure(error, logger);
    }
  } catch (error) {
    reportStartupFailure(error);
  }
}
