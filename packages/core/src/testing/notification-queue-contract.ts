import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DeadLetter, NotificationQueue, QueueMessage } from '../ports/notification-queue.js';
import {
  type BaseHarness,
  type ContractIt,
  caseNeeding,
  type Lacks,
  rejectsWithNotifyError,
  sleep,
  waitFor,
  withHarness,
} from './contract-runner.js';

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

const T = 'NotificationQueue:';

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

/** The behaviour every NotificationQueue must show; see NotificationQueueHarness. */
export function notificationQueueContract(
  it: ContractIt,
  makeQueue: () => Promise<NotificationQueueHarness>,
  options: NotificationQueueContractOptions = {},
): void {
  const lacks = options.lacks ?? {};
  const arrival = options.arrivalTimeoutMs ?? 5000;
  const quiet = options.quietPeriodMs ?? 300;
  const run = (body: (queue: NotificationQueue, harness: NotificationQueueHarness) => Promise<void>) => () =>
    withHarness(makeQueue, (harness) => body(harness.subject, harness));

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

  caseNeeding(
    it,
    lacks,
    'peekDeadLetters',
    `${T} dead letters round-trip through peekDeadLetters, oldest first`,
    run(async (queue) => {
      assert.ok(
        queue.peekDeadLetters,
        'peekDeadLetters is required unless lacks.peekDeadLetters is declared',
      );
      const first: DeadLetter = {
        requestId: `req-${randomUUID()}`,
        taskId: randomUUID(),
        correlationId: `corr-${randomUUID()}`,
        errorCode: 'SMTP_PERMANENT',
        error: '550 5.1.1 mailbox unknown',
        attempts: 1,
        firstAttemptAt: new Date('2030-01-01T00:00:00.000Z'),
        failedAt: new Date('2030-01-01T00:00:01.000Z'),
      };
      const poison: DeadLetter = {
        requestId: null,
        taskId: null,
        correlationId: null,
        errorCode: 'MALFORMED_MESSAGE',
        error: 'not JSON',
        attempts: 0,
        firstAttemptAt: null,
        failedAt: new Date('2030-01-01T00:00:02.000Z'),
        raw: '{not json',
      };
      await queue.deadLetter(first);
      await queue.deadLetter(poison);
      const peeked = await waitFor(
        () => queue.peekDeadLetters!(10),
        (letters) => letters.length >= 2,
        'two dead letters',
        arrival,
      );
      assert.deepEqual(peeked.slice(0, 2), [first, poison]);
      assert.equal((await queue.peekDeadLetters(1)).length, 1, 'limit is honoured');
      assert.equal((await queue.peekDeadLetters(10)).length, peeked.length, 'peeking does not remove');
    }),
  );

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
