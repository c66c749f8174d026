import {
  type NotificationQueue,
  NotificationQueueToken,
  NotifyError,
  type QueueMessage,
} from '@notify/email-core';
import { type ChannelModel, connect } from 'amqplib';
import { Container } from 'inversify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestVhost, queueDepths, rabbitmqctl, type TestVhost } from '../../../test-support/rabbitmq.js';
import { amqpQueueModule, createAmqpQueue } from '../src/index.js';
import { message, queueFactory, sleep, uniqueNames, waitUntil } from './helpers.js';

let vhost: TestVhost;
const queues = queueFactory(() => vhost.url);
let raw: ChannelModel;

beforeAll(async () => {
  vhost = await createTestVhost('notify-amqp-delivery');
  raw = await connect(vhost.url);
});
afterEach(() => queues.closeAll());
afterAll(async () => {
  await raw?.close().catch(() => {});
  await vhost?.remove();
});

function collect() {
  const received: Array<QueueMessage & { at: number }> = [];
  const handler = async (m: QueueMessage) => {
    received.push({ ...m, at: Date.now() });
  };
  return { received, handler };
}

describe('topology', () => {
  it('declares the exchange, a priority work queue, fixed-TTL delay tiers and the failed queue', async () => {
    const queue = queues.make({
      ...uniqueNames('topo'),
      exchange: 'notifications.direct',
      queue: 'email.queue',
      failedQueue: 'failed.queue',
      delayQueuePrefix: 'email.delay.',
    });
    await queue.ping();
    const out = await rabbitmqctl(
      'list_queues',
      '-p',
      vhost.vhost,
      '--formatter',
      'json',
      'name',
      'durable',
      'arguments',
    );
    const rows = JSON.parse(out) as Array<{
      name: string;
      durable: boolean;
      arguments: Array<[string, string, unknown]>;
    }>;
    const args = (name: string) => {
      const row = rows.find((r) => r.name === name);
      expect(row, name).toBeDefined();
      expect(row?.durable).toBe(true);
      return Object.fromEntries((row?.arguments ?? []).map(([k, , v]) => [k, v]));
    };
    expect(args('email.queue')).toMatchObject({ 'x-max-priority': 10 });
    expect(args('failed.queue')).toEqual({});
    expect(args('email.delay.5s')).toMatchObject({
      'x-message-ttl': 5000,
      'x-dead-letter-exchange': 'notifications.direct',
      'x-dead-letter-routing-key': 'email',
    });
    expect(args('email.delay.10m')).toMatchObject({ 'x-message-ttl': 600_000 });
    const bindings = await rabbitmqctl(
      'list_bindings',
      '-p',
      vhost.vhost,
      '--formatter',
      'json',
      'source_name',
      'destination_name',
      'routing_key',
    );
    expect(JSON.parse(bindings)).toEqual(
      expect.arrayContaining([
        { source_name: 'notifications.direct', destination_name: 'failed.queue', routing_key: 'failed' },
        { source_name: 'notifications.direct', destination_name: 'email.queue', routing_key: 'email' },
      ]),
    );
  });
});

describe('priority', () => {
  it('with 200 low-priority messages queued, a high-priority one is consumed among the first few', async () => {
    const queue = queues.make();
    const low = Array.from({ length: 200 }, () => message({ priority: 1 }));
    const high = message({ priority: 100 });
    await queue.publish(low);
    await queue.publish([high]);
    const { received, handler } = collect();
    const consumer = await queue.consume(handler, { concurrency: 1 });
    await waitUntil(() => received.length === 201, 'all 201 messages');
    await consumer.stop();
    const position = received.findIndex((m) => m.requestId === high.requestId);
    expect(position).toBeLessThan(3);
    expect(new Set(received.map((m) => m.requestId)).size).toBe(201);
  });

  it('a high-priority message published into a running backlog overtakes what is not yet prefetched', async () => {
    const queue = queues.make();
    await queue.publish(Array.from({ length: 100 }, () => message({ priority: 10 })));
    const order: string[] = [];
    const consumer = await queue.consume(
      async (m) => {
        order.push(m.requestId);
        await sleep(2);
      },
      { concurrency: 5 },
    );
    await waitUntil(() => order.length >= 10, 'the backlog to start draining');
    const seenBefore = order.length;
    const high = message({ priority: 90 });
    await queue.publish([high]);
    await waitUntil(() => order.includes(high.requestId), 'the high-priority message');
    await consumer.stop();
    // At most what was already prefetched (concurrency) plus in-flight acks gets ahead of it.
    expect(order.indexOf(high.requestId) - seenBefore).toBeLessThanOrEqual(10);
  });
});

describe('delay', () => {
  it('a delayed message arrives after its delay and not before', async () => {
    const queue = queues.make();
    const { received, handler } = collect();
    await queue.consume(handler, { concurrency: 2 });
    const delayed = message();
    const start = Date.now();
    await queue.publish([delayed], { delayMs: 2_000 });
    await sleep(1_800);
    expect(received).toHaveLength(0);
    await waitUntil(() => received.length === 1, 'the delayed message', 5_000);
    const waited = received[0]!.at - start;
    expect(waited).toBeGreaterThanOrEqual(2_000);
    expect(waited).toBeLessThan(3_000);
    expect(received[0]).toMatchObject(delayed);
  });

  it('a delay between tiers hops through several and is never early (2.5 s → 2 s + 1 s tiers)', async () => {
    const queue = queues.make();
    const { received, handler } = collect();
    await queue.consume(handler, { concurrency: 2 });
    const start = Date.now();
    await queue.publish([message({ priority: 70 })], { delayMs: 2_500 });
    await waitUntil(() => received.length === 1, 'the delayed message', 6_000);
    const waited = received[0]!.at - start;
    expect(waited).toBeGreaterThanOrEqual(2_500);
    expect(waited).toBeLessThan(4_000);
  });
});

describe('publisher confirms', () => {
  it('publish resolves only once the broker confirmed: a broker nack rejects it', async () => {
    const names = uniqueNames('nack');
    // A work queue that refuses every message: the broker answers each publish with a nack.
    const ch = await raw.createChannel();
    await ch.assertExchange(names.exchange, 'direct', { durable: true });
    await ch.assertQueue(names.queue, {
      durable: true,
      arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' },
    });
    await ch.bindQueue(names.queue, names.exchange, 'email');
    await ch.close();
    const queue = queues.make({ ...names, assertTopology: false });
    const error = await queue.publish([message(), message()]).catch((e: unknown) => e);
    expect(NotifyError.is(error) && error.code).toBe('QUEUE_UNAVAILABLE');
    expect((error as NotifyError).retryable).toBe(true);
  });

  it('once publish resolves, every message of the batch is in the queue', async () => {
    const queue = queues.make();
    await queue.publish(Array.from({ length: 50 }, () => message()));
    const ch = await raw.createChannel();
    const { messageCount } = await ch.checkQueue(queue.options.queue);
    await ch.close();
    expect(messageCount).toBe(50);
  });

  it('messages are persistent, with the JSON body and the correlation header', async () => {
    const queue = queues.make();
    const sent = message({ priority: 100 });
    await queue.publish([sent]);
    const ch = await raw.createChannel();
    const got = await ch.get(queue.options.queue, { noAck: true });
    await ch.close();
    expect(got).not.toBe(false);
    if (got === false) return;
    expect(JSON.parse(got.content.toString())).toEqual(sent);
    expect(got.properties.deliveryMode).toBe(2);
    expect(got.properties.priority).toBe(10);
    expect(got.properties.headers?.['x-correlation-id']).toBe(sent.correlationId);
  });

  it('refuses a message the core must never publish, naming the field', async () => {
    const queue = queues.make();
    const error = await queue.publish([message(), message({ priority: 101 })]).catch((e: unknown) => e);
    expect(NotifyError.is(error) && error.code).toBe('VALIDATION_FAILED');
    expect((error as NotifyError).details?.[0]?.path).toBe('messages[1].priority');
  });
});

describe('poison messages', () => {
  it('are dead-lettered with MALFORMED_MESSAGE, the reason and the raw body, and the consumer keeps going', async () => {
    const queue = queues.make();
    await queue.ping();
    const { received, handler } = collect();
    await queue.consume(handler, { concurrency: 1 });
    const ch = await raw.createChannel();
    ch.publish(queue.options.exchange, 'email', Buffer.from('this is {not json'), {
      headers: { 'x-correlation-id': 'corr-poison' },
    });
    ch.publish(queue.options.exchange, 'email', Buffer.from(JSON.stringify({ ...message(), sneaky: true })));
    await ch.close();
    const good = message();
    await queue.publish([good]);
    await waitUntil(() => received.length === 1, 'the good message');
    expect(received[0]).toMatchObject(good);
    const letters = await queue.peekDeadLetters(10);
    expect(letters).toHaveLength(2);
    expect(letters[0]).toMatchObject({
      errorCode: 'MALFORMED_MESSAGE',
      correlationId: 'corr-poison',
      raw: 'this is {not json',
      attempts: 0,
      requestId: null,
    });
    expect(letters[0]?.error).toContain('not JSON');
    expect(letters[1]?.error).toContain('unknown field(s): sneaky');
    const depths = await queueDepths(vhost.vhost);
    expect(depths[queue.options.queue]).toBe(0);
    expect(depths[queue.options.failedQueue]).toBe(2);
  });

  it('dead letters carry code, error, attempts and timestamps as headers too', async () => {
    const queue = queues.make();
    await queue.deadLetter({
      requestId: 'req-1',
      taskId: 'task-1',
      correlationId: 'corr-1',
      errorCode: 'RETRIES_EXHAUSTED',
      error: 'gave up after 5 attempts',
      attempts: 5,
      firstAttemptAt: new Date('2030-01-01T00:00:00Z'),
      failedAt: new Date('2030-01-01T00:10:00Z'),
    });
    const ch = await raw.createChannel();
    const got = await ch.get(queue.options.failedQueue, { noAck: true });
    await ch.close();
    if (got === false) throw new Error('no dead letter on the failed queue');
    expect(got.properties.deliveryMode).toBe(2);
    expect(got.properties.headers).toMatchObject({
      'x-error-code': 'RETRIES_EXHAUSTED',
      'x-error': 'gave up after 5 attempts',
      'x-attempts': 5,
      'x-first-attempt-at': '2030-01-01T00:00:00.000Z',
      'x-failed-at': '2030-01-01T00:10:00.000Z',
      'x-request-id': 'req-1',
    });
  });
});

describe('handler failures', () => {
  it('a throwing handler gets the message back after redeliveryDelayMs, not in a tight loop', async () => {
    const queue = queues.make({ redeliveryDelayMs: 1_000 });
    const at: number[] = [];
    await queue.consume(
      async () => {
        at.push(Date.now());
        if (at.length < 3) throw new Error('transient');
      },
      { concurrency: 1 },
    );
    await queue.publish([message()]);
    await waitUntil(() => at.length === 3, 'three deliveries', 8_000);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1_000);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1_000);
    await sleep(300);
    expect(at).toHaveLength(3);
  });
});

describe('close', () => {
  it('waits for in-flight handlers (which may still publish), acks them, then closes', async () => {
    const names = uniqueNames('drain');
    const queue = queues.make(names);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = 0;
    let finished = 0;
    await queue.consume(
      async (m) => {
        started++;
        await gate;
        // What the engine does on a transient failure: republish with a delay, then resolve.
        await queue.publish([{ ...m, requestId: `${m.requestId}-retry` }], { delayMs: 60_000 });
        finished++;
      },
      { concurrency: 3 },
    );
    await queue.publish([message(), message(), message()]);
    await waitUntil(() => started === 3, 'three handlers running');
    let closed = false;
    const closing = queue.close().then(() => {
      closed = true;
    });
    await sleep(200);
    expect(closed).toBe(false);
    release();
    await closing;
    expect(finished).toBe(3);
    const depths = await queueDepths(vhost.vhost);
    expect(depths[names.queue]).toBe(0);
    expect(depths[`${names.delayQueuePrefix}1m`]).toBe(3);
    const error = await queue.publish([message()]).catch((e: unknown) => e);
    expect(NotifyError.is(error) && error.code).toBe('QUEUE_UNAVAILABLE');
  });
});

describe('injection and composition', () => {
  it('uses an injected connection and leaves it open on close', async () => {
    const model = await connect(vhost.url);
    try {
      const queue = createAmqpQueue({ connection: model, ...uniqueNames('injected') });
      const { received, handler } = collect();
      await queue.consume(handler, { concurrency: 1 });
      await queue.publish([message()]);
      await waitUntil(() => received.length === 1, 'the message');
      await queue.close();
      const ch = await model.createChannel();
      await ch.close();
    } finally {
      await model.close();
    }
  });

  it('amqpQueueModule binds NotificationQueueToken to a working queue, closed on unbind', async () => {
    const container = new Container();
    container.load(amqpQueueModule({ url: vhost.url, ...uniqueNames('module') }));
    const queue = container.get<NotificationQueue>(NotificationQueueToken);
    expect(container.get(NotificationQueueToken)).toBe(queue);
    await queue.ping();
    await container.unbindAsync(NotificationQueueToken);
    const error = await queue.ping().catch((e: unknown) => e);
    expect(NotifyError.is(error) && error.code).toBe('QUEUE_UNAVAILABLE');
  });
});
