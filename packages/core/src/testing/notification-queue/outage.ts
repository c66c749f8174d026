import assert from 'node:assert/strict';
import { type ContractIt, caseNeeding, rejectsWithNotifyError } from '../contract-runner.js';
import {
  type NotificationQueueContractOptions,
  type NotificationQueueHarness,
  queueCases,
  sampleQueueMessage,
  T,
} from './harness.js';

/** ping, and QUEUE_UNAVAILABLE (retryable) from publish and ping while the broker is unreachable. */
export function notificationQueueOutageContract(
  it: ContractIt,
  makeQueue: () => Promise<NotificationQueueHarness>,
  options: NotificationQueueContractOptions = {},
): void {
  const { lacks, run } = queueCases(makeQueue, options);

  it(
    `${T} ping resolves while the broker is reachable`,
    run(async (queue) => {
      await queue.ping();
    }),
  );

  caseNeeding(
    it,
    lacks,
    'outage',
    `${T} an unreachable broker rejects publish and ping with QUEUE_UNAVAILABLE`,
    run(async (queue, harness) => {
      assert.ok(
        harness.makeUnavailable,
        'harness.makeUnavailable is required unless lacks.outage is declared',
      );
      await harness.makeUnavailable();
      const error = await rejectsWithNotifyError(
        queue.publish([sampleQueueMessage()]),
        'QUEUE_UNAVAILABLE',
        'publish',
      );
      assert.equal(error.retryable, true);
      await rejectsWithNotifyError(queue.ping(), 'QUEUE_UNAVAILABLE', 'ping');
    }),
  );
}
