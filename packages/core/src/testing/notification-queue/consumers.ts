import assert from 'node:assert/strict';
import { type ContractIt, sleep, waitFor } from '../contract-runner.js';
import {
  type NotificationQueueContractOptions,
  type NotificationQueueHarness,
  queueCases,
  sampleQueueMessage,
  T,
} from './harness.js';

/**
 * Consumers: stop waits for handlers in flight and takes nothing more; concurrency bounds the
 * handlers at once.
 */
export function notificationQueueConsumersContract(
  it: ContractIt,
  makeQueue: () => Promise<NotificationQueueHarness>,
  options: NotificationQueueContractOptions = {},
): void {
  const { arrival, quiet, run } = queueCases(makeQueue, options);

  it(
    `${T} consumer.stop waits for in-flight handlers and takes no new messages`,
    run(async (queue) => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const started: string[] = [];
      let finished = 0;
      const consumer = await queue.consume(
        async (m) => {
          started.push(m.requestId);
          await gate;
          finished++;
        },
        { concurrency: 1 },
      );
      const messages = [sampleQueueMessage(), sampleQueueMessage()];
      await queue.publish(messages);
      await waitFor(
        () => started.length,
        (n) => n >= 1,
        'the first delivery',
        arrival,
      );
      let stopped = false;
      const stopping = consumer.stop().then(() => {
        stopped = true;
      });
      await sleep(50);
      assert.equal(stopped, false, 'stop() returned while a handler was still running');
      release();
      await stopping;
      assert.equal(finished, 1, 'the in-flight handler completed before stop() resolved');
      await sleep(quiet);
      assert.equal(started.length, 1, 'no message was handed to a stopped consumer');
      const rest: string[] = [];
      const next = await queue.consume(
        async (m) => {
          rest.push(m.requestId);
        },
        { concurrency: 1 },
      );
      await waitFor(
        () => rest.length,
        (n) => n >= 1,
        'the undelivered message',
        arrival,
      );
      await next.stop();
      assert.deepEqual(
        rest,
        [messages[1]!.requestId],
        'what the stopped consumer did not take is still there',
      );
    }),
  );

  it(
    `${T} a consumer never runs more handlers at once than its concurrency`,
    run(async (queue) => {
      const concurrency = 3;
      let running = 0;
      let maxRunning = 0;
      let done = 0;
      // Published first, so the first `concurrency` deliveries are all waiting when the consumer
      // starts: published after, they can trickle in more than a handler's 40 ms apart (seen
      // through the test proxy on a busy machine) and the cap is never reached.
      await queue.publish(Array.from({ length: 10 }, () => sampleQueueMessage()));
      const consumer = await queue.consume(
        async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await sleep(40);
          running--;
          done++;
        },
        { concurrency },
      );
      await waitFor(
        () => done,
        (n) => n >= 10,
        'all ten handlers',
        arrival,
      );
      await consumer.stop();
      assert.equal(maxRunning, concurrency, `expected up to ${concurrency} at once, saw ${maxRunning}`);
    }),
  );
}
