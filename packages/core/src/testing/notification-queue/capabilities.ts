import assert from 'node:assert/strict';
import type { ContractIt } from '../contract-runner.js';
import {
  type NotificationQueueContractOptions,
  type NotificationQueueHarness,
  queueCases,
  T,
} from './harness.js';

/**
 * What the queue declares: capabilities that match the declared lacks, and settle wherever it is
 * not durable.
 */
export function notificationQueueCapabilitiesContract(
  it: ContractIt,
  makeQueue: () => Promise<NotificationQueueHarness>,
  options: NotificationQueueContractOptions = {},
): void {
  const { lacks, run } = queueCases(makeQueue, options);

  it(
    `${T} declares the capabilities it was registered with`,
    run(async (queue) => {
      assert.equal(
        queue.capabilities.priority,
        lacks.priority === undefined,
        'capabilities.priority vs lacks.priority',
      );
      assert.equal(queue.capabilities.delay, lacks.delay === undefined, 'capabilities.delay vs lacks.delay');
      assert.equal(
        typeof queue.peekDeadLetters === 'function',
        lacks.peekDeadLetters === undefined,
        'peekDeadLetters presence vs lacks.peekDeadLetters',
      );
      assert.equal(
        typeof queue.settle === 'function',
        lacks.settle === undefined,
        'settle presence vs lacks.settle',
      );
      assert.equal(typeof queue.capabilities.durable, 'boolean');
      assert.equal(typeof queue.capabilities.shared, 'boolean');
      // A queue other processes reach outlives this one; one that forgets on exit must let it settle.
      if (queue.capabilities.shared) assert.ok(queue.capabilities.durable, 'a shared queue is durable');
      if (!queue.capabilities.durable)
        assert.ok(lacks.settle === undefined, 'a queue that is not durable offers settle');
    }),
  );
}
