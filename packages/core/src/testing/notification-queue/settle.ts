import assert from 'node:assert/strict';
import { type ContractIt, caseNeeding } from '../contract-runner.js';
import {
  type NotificationQueueContractOptions,
  type NotificationQueueHarness,
  queueCases,
  sampleQueueMessage,
  T,
} from './harness.js';

/** settle: resolves once everything published was handled, and says what is left when time runs out. */
export function notificationQueueSettleContract(
  it: ContractIt,
  makeQueue: () => Promise<NotificationQueueHarness>,
  options: NotificationQueueContractOptions = {},
): void {
  const { arrival, lacks, run } = queueCases(makeQueue, options);

  caseNeeding(
    it,
    lacks,
    'settle',
    `${T} settle resolves once every published message was handled, and says what is left when time runs out`,
    run(async (queue) => {
      const settle = queue.settle?.bind(queue);
      assert.ok(settle, 'settle is declared');
      const handled: string[] = [];
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const consumer = await queue.consume(
        async (message) => {
          await gate;
          handled.push(message.requestId);
        },
        { concurrency: 1 },
      );
      try {
        const messages = [sampleQueueMessage(), sampleQueueMessage()];
        await queue.publish(messages);
        const early = await settle(50);
        assert.ok(
          early.waiting + early.inFlight >= 1,
          `something is left while the handler waits: ${JSON.stringify(early)}`,
        );
        release();
        const done = await settle(arrival);
        assert.deepEqual(done, { waiting: 0, inFlight: 0 });
        assert.deepEqual(handled.sort(), messages.map((m) => m.requestId).sort());
      } finally {
        release();
        await consumer.stop();
      }
    }),
  );
}
