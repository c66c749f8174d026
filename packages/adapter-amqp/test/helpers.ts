import { randomUUID } from 'node:crypto';
import type { QueueMessage } from '@notify/email-core';
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

export function message(overrides: Partial<QueueMessage> = {}): QueueMessage {
  return {
    requestId: `req-${randomUUID()}`,
    taskId: randomUUID(),
    priority: 10,
    correlationId: `corr-${randomUUID()}`,
    ...overrides,
  };
}

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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
