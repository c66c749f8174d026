import {
  type EmailEngine,
  type Logger,
  type NotificationQueue,
  NotifyError,
  type QueueMessage,
  withBindings,
} from '@notify/email-core';

export interface WorkerOptions {
  /** Only `processNotification` is used: claim, render, send, record the outcome. */
  engine: Pick<EmailEngine, 'processNotification'>;
  queue: NotificationQueue;
  /** Most messages processed at once (also the queue's prefetch). */
  concurrency: number;
  logger: Logger;
  /** How long `stop()` waits for in-flight messages; default 30 s. */
  drainTimeoutMs?: number;
}

export interface Worker {
  /** Stops taking messages and waits (bounded) for the ones in flight. Idempotent. */
  stop(): Promise<void>;
  /** Messages being processed right now. */
  readonly inFlight: number;
}

/** A counting semaphore: the worker's own bound, whatever the queue backend's prefetch does. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

/**
 * Consumes the notification queue and hands each message to the engine. A message is
 * acknowledged when `processNotification` resolves (the outcome is stored by then); when it
 * throws, the message goes back to the queue, and the claim/lease makes a redelivery safe.
 */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { engine, queue, logger } = options;
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new NotifyError('CONFIG_INVALID', 'concurrency must be a whole number of at least 1', {
      details: [{ path: 'concurrency', message: 'must be a whole number of at least 1' }],
    });
  }
  const drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
  const slots = new Slots(options.concurrency);
  const running = new Set<Promise<unknown>>();
  let stopping = false;

  const handle = async (message: QueueMessage): Promise<void> => {
    if (stopping) {
      // Not started, so hand it back untouched; another worker (or this one, restarted) takes it.
      throw new NotifyError('UNAVAILABLE', 'worker is stopping');
    }
    await slots.take();
    if (stopping) {
      slots.give();
      throw new NotifyError('UNAVAILABLE', 'worker is stopping');
    }
    const log = withBindings(logger, {
      correlation_id: message.correlationId,
      request_id: message.requestId,
      task_id: message.taskId,
    });
    const started = Date.now();
    const work = engine.processNotification(message);
    running.add(work);
    try {
      const outcome = await work;
      log.info({ outcome, duration_ms: Date.now() - started }, 'Notification processed');
    } catch (error) {
      // A retryable NotifyError is an expected hand-back (the record is held by another claim,
      // or a dependency is briefly down): a warning. Anything else is a bug worth an error.
      const expected = NotifyError.is(error) && error.retryable;
      (expected ? log.warn : log.error).call(
        log,
        { err: error, duration_ms: Date.now() - started },
        'Processing failed; message returned to the queue',
      );
      throw error;
    } finally {
      running.delete(work);
      slots.give();
    }
  };

  const consumer = await queue.consume(handle, { concurrency: options.concurrency });
  logger.info({ concurrency: options.concurrency }, 'Worker started');

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    stopping = true;
    const inFlight = running.size;
    logger.info({ in_flight: inFlight }, 'Worker stopping; draining in-flight messages');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), drainTimeoutMs);
    });
    // consumer.stop() waits for the handlers the queue knows about; waiting on our own set as
    // well covers backends that stop delivering without waiting.
    const consumerStopped = consumer.stop().catch((error: unknown) => {
      logger.warn({ err: error }, 'Queue consumer did not stop cleanly');
    });
    const drained = Promise.all([consumerStopped, Promise.allSettled([...running])]).then(
      () => 'drained' as const,
    );
    const result = await Promise.race([drained, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      logger.warn(
        { in_flight: running.size, drain_timeout_ms: drainTimeoutMs },
        'Worker stopped before in-flight messages finished; they will be redelivered',
      );
    } else {
      logger.info({}, 'Worker stopped');
    }
  };

  return {
    stop() {
      stopped ??= stop();
      return stopped;
    },
    get inFlight() {
      return running.size;
    },
  };
}
