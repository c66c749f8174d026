import { randomUUID } from 'node:crypto';
import { sampleQueueMessage } from '@notify/email-core/testing';
import { sleep, until } from '../../../test-support/wait.js';
import { type AmqpNotificationQueue, type AmqpQueueOptions, createAmqpQueue } from '../src/index.js';

/** Queue names of their own, so the cases of one file can share its vhost. */
export function uniqueNames(label = 'case') {
  const suffix = `${label}-${randomUUID().slice(0, 8)}`;
  return {
    exchange: `notifications.direct.${suffix}`,
    queue: `email.queue.${suffix}`,
    failedQueue: `failed.queue.${suffix}`,
    delayQueuePrefix: `email.delay.${suffix}.`,
    connectionName: `notify-test-${suffix}`,
  };
}

/** A queue message with unique ids. */
export const message = sampleQueueMessage;

/** Makes queues with fast reconnects and remembers them, so `closeAll()` in afterEach tidies up. */
export function queueFactory(url: () => string) {
  const made: AmqpNotificationQueue[] = [];
  return {
    make(overrides: Partial<AmqpQueueOptions> = {}) {
      const queue = createAmqpQueue({
        url: url(),
        ...uniqueNames(),
        reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
        ...overrides,
      });
      made.push(queue);
      return queue;
    },
    async closeAll() {
      await Promise.allSettled(made.splice(0).map((queue) => queue.close()));
    },
  };
}

export { sleep };

/** `until` with this suite's argument order and its broker-friendly default of 10 s. */
export function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  return until(check, timeoutMs, what);
}
