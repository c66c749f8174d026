import assert from 'node:assert/strict';
import type { QueueMessage } from '../../ports/notification-queue.js';
import { type ContractIt, sleep, waitFor } from '../contract-runner.js';
import {
  type NotificationQueueContractOptions,
  type NotificationQueueHarness,
  queueCases,
  sampleQueueMessage,
  T,
} from './harness.js';

/** Delivery: a message arrives intact, resolving acknowledges it, throwing hands it back for redelivery. */
export function notificationQueueDeliveryContract(
  it: ContractIt,
  makeQueue: () => Promise<NotificationQueueHarness>,
  options: NotificationQueueContractOptions = {},
): void {
  const { arrival, quiet, run } = queueCases(makeQueue, options);

  it(
    `${T} a published message reaches the consumer intact`,
    run(async (queue) => {
      const message = sampleQueueMessage({ priority: 42 });
      const received: QueueMessage[] = [];
      const consumer = await queue.consume(
        async (m) => {
          received.push(m);
        },
        { concurrency: 1 },
      );
      await queue.publish([message]);
      await waitFor(
        () => received.length,
        (n) => n >= 1,
        'the message',
        arrival,
      );
      await consumer.stop();
      assert.deepEqual(received, [message]);
    }),
  );

  it(
    `${T} a message acknowledged by resolving is not delivered again`,
    run(async (queue) => {
      const messages = [sampleQueueMessage(), sampleQueueMessage()];
      const received: string[] = [];
      const first = await queue.consume(
        async (m) => {
          received.push(m.requestId);
        },
        { concurrency: 1 },
      );
      await queue.publish(messages);
      await waitFor(
        () => received.length,
        (n) => n >= 2,
        'both messages',
        arrival,
      );
      await first.stop();
      const second = await queue.consume(
        async (m) => {
          received.push(m.requestId);
        },
        { concurrency: 1 },
      );
      await sleep(quiet);
      await second.stop();
      assert.deepEqual(received.sort(), messages.map((m) => m.requestId).sort());
    }),
  );

  it(
    `${T} a message whose handler throws is delivered again`,
    run(async (queue) => {
      const message = sampleQueueMessage();
      const deliveries: QueueMessage[] = [];
      const consumer = await queue.consume(
        async (m) => {
          deliveries.push(m);
          if (deliveries.length === 1) throw new Error('handler failed on purpose');
        },
        { concurrency: 1 },
      );
      await queue.publish([message]);
      await waitFor(
        () => deliveries.length,
        (n) => n >= 2,
        'the redelivery',
        arrival,
      );
      await sleep(quiet);
      await consumer.stop();
      assert.equal(deliveries.length, 2, 'delivered once more, then acknowledged');
      assert.deepEqual(deliveries[1], message);
    }),
  );
}
