import assert from 'node:assert/strict';
import { type ContractIt, caseNeeding, sleep, waitFor } from '../contract-runner.js';
import {
  type NotificationQueueContractOptions,
  type NotificationQueueHarness,
  queueCases,
  sampleQueueMessage,
  T,
} from './harness.js';

/** When a message is delivered: a higher priority overtakes a backlog, delayMs holds it back. */
export function notificationQueueOrderingContract(
  it: ContractIt,
  makeQueue: () => Promise<NotificationQueueHarness>,
  options: NotificationQueueContractOptions = {},
): void {
  const { arrival, lacks, run } = queueCases(makeQueue, options);

  caseNeeding(
    it,
    lacks,
    'priority',
    `${T} a high-priority message overtakes a backlog of low ones`,
    run(async (queue) => {
      const low = Array.from({ length: 5 }, () => sampleQueueMessage({ priority: 1 }));
      const high = sampleQueueMessage({ priority: 100 });
      await queue.publish(low);
      await queue.publish([high]);
      // Give a broker time to route the backlog before anyone consumes.
      await sleep(50);
      const order: string[] = [];
      const consumer = await queue.consume(
        async (m) => {
          order.push(m.requestId);
        },
        { concurrency: 1 },
      );
      await waitFor(
        () => order.length,
        (n) => n >= 6,
        'all six messages',
        arrival,
      );
      await consumer.stop();
      assert.equal(order[0], high.requestId, 'the priority-100 message came first');
      assert.deepEqual(
        order.slice(1),
        low.map((m) => m.requestId),
        'equal priorities keep publish order',
      );
    }),
  );

  caseNeeding(
    it,
    lacks,
    'delay',
    `${T} delayMs is honoured: never early, and the message does arrive`,
    run(async (queue) => {
      const delayed = sampleQueueMessage();
      const immediate = sampleQueueMessage();
      const arrivals: Array<{ id: string; at: number }> = [];
      const consumer = await queue.consume(
        async (m) => {
          arrivals.push({ id: m.requestId, at: Date.now() });
        },
        { concurrency: 1 },
      );
      const delayMs = 400;
      const publishedAt = Date.now();
      await queue.publish([delayed], { delayMs });
      await queue.publish([immediate]);
      await waitFor(
        () => arrivals.length,
        (n) => n >= 2,
        'the delayed message',
        arrival + delayMs,
      );
      await consumer.stop();
      assert.equal(
        arrivals[0]!.id,
        immediate.requestId,
        'the undelayed message is not held behind the delayed one',
      );
      const waited = arrivals[1]!.at - publishedAt;
      assert.ok(waited >= delayMs - 5, `delivered after ${waited} ms, before the ${delayMs} ms delay`);
    }),
  );
}
