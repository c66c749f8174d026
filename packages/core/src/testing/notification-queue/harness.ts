import { randomUUID } from 'node:crypto';
import type { NotificationQueue, QueueMessage } from '../../ports/notification-queue.js';
import { type BaseHarness, type Lacks, withHarness } from '../contract-runner.js';

/**
 * What `makeQueue` returns for each case: a queue with nothing in it (its own vhost, or its own
 * queue names), since cases count what they receive.
 */
export interface NotificationQueueHarness extends BaseHarness<NotificationQueue> {
  /**
   * Makes the broker unreachable for `subject` so that publish and ping reject with NotifyError
   * QUEUE_UNAVAILABLE (promptly: within the case's time). Required unless `lacks.outage` is declared.
   */
  makeUnavailable?(): Promise<void>;
}

/**
 * `priority`, `delay`: must match `subject.capabilities` (declared false there ⇔ declared here).
 * `peekDeadLetters`: the queue has no `peekDeadLetters` method.
 * `outage`: the harness cannot simulate a broker outage.
 * `settle`: the queue has no `settle` method (a durable queue need not: it keeps what it holds).
 */
export type NotificationQueueCapability = 'priority' | 'delay' | 'peekDeadLetters' | 'outage' | 'settle';

export interface NotificationQueueContractOptions {
  lacks?: Lacks<NotificationQueueCapability>;
  /** How long to wait for something that should arrive. Default 5000 ms. */
  arrivalTimeoutMs?: number;
  /** How long to watch for something that must not arrive. Default 300 ms. */
  quietPeriodMs?: number;
}

/** Every case's title starts with this (tests elsewhere find cases by their titles). */
export const T = 'NotificationQueue:';

/** A queue message with unique ids. */
export function sampleQueueMessage(overrides: Partial<QueueMessage> = {}): QueueMessage {
  return {
    requestId: `req-${randomUUID()}`,
    taskId: randomUUID(),
    priority: 10,
    correlationId: `corr-${randomUUID()}`,
    ...overrides,
  };
}

type QueueCase = (queue: NotificationQueue, harness: NotificationQueueHarness) => Promise<void>;

/** What every group needs: the options with their defaults, and `run`, which gives a case a fresh harness. */
export function queueCases(
  makeQueue: () => Promise<NotificationQueueHarness>,
  options: NotificationQueueContractOptions,
): {
  lacks: Lacks<NotificationQueueCapability>;
  arrival: number;
  quiet: number;
  run: (body: QueueCase) => () => Promise<void>;
} {
  return {
    lacks: options.lacks ?? {},
    arrival: options.arrivalTimeoutMs ?? 5000,
    quiet: options.quietPeriodMs ?? 300,
    run: (body) => () => withHarness(makeQueue, (harness) => body(harness.subject, harness)),
  };
}
