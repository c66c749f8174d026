import { NotifyError, type QueueMessage } from '@notify/email-core';
import { connect } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeConnectionsNamed,
  createTestVhost,
  listConnections,
  queueDepths,
  startBrokerProxy,
  type TestVhost,
} from '../../../test-support/rabbitmq.js';
import type { AmqpNotificationQueue } from '../src/index.js';
import { message, queueFactory, sleep, uniqueNames, waitUntil } from './helpers.js';

let vhost: TestVhost;
const queues = queueFactory(() => vhost.url);
const proxies: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  vhost = await createTestVhost('notify-amqp-reconnect');
});
afterEach(async () => {
  await queues.closeAll();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(() => vhost?.remove());

/** Publishes one message, retrying on QUEUE_UNAVAILABLE the way the core's recovery loop would. */
async function publishUntilAccepted(queue: AmqpNotificationQueue, m: QueueMessage, rejections: number[]) {
  for (;;) {
    const started = Date.now();
    try {
      await queue.publish([m]);
      return;
    } catch (error) {
      if (!NotifyError.is(error) || error.code !== 'QUEUE_UNAVAILABLE') throw error;
      expect(error.retryable).toBe(true);
      rejections.push(Date.now() - started);
      await sleep(25);
    }
  }
}

// rabbitmqctl takes seconds per call on a busy machine; these cases make several.
describe('reconnection', { timeout: 60_000 }, () => {
  it('after rabbitmqctl close_connection, publishing and consuming resume with nothing lost', async () => {
    const names = uniqueNames('forced');
    const queue = queues.make({ ...names, reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 } });
    const received = new Set<string>();
    let deliveries = 0;
    await queue.consume(
      async (m) => {
        deliveries++;
        await sleep(3);
        received.add(m.requestId);
      },
      { concurrency: 4 },
    );
    const sent = Array.from({ length: 300 }, () => message());
    const rejections: number[] = [];
    let closed = 0;
    for (const [i, m] of sent.entries()) {
      if (i === 100 || i === 200)
        closed += await closeConnectionsNamed(names.connectionName, 'test: forced close');
      await publishUntilAccepted(queue, m, rejections);
    }
    expect(closed).toBe(2);
    await waitUntil(() => received.size === sent.length, 'every message to be consumed', 20_000);
    expect([...received].sort()).toEqual(sent.map((m) => m.requestId).sort());
    // At least once: a message in flight at the close may come twice, never zero times.
    expect(deliveries).toBeGreaterThanOrEqual(sent.length);
    // Rejections during the gap were prompt, not hung on a dead socket.
    for (const ms of rejections) expect(ms).toBeLessThan(500);
    await waitUntil(
      async () => (await queueDepths(vhost.vhost))[names.queue] === 0,
      'the work queue to be empty',
    );
    const mine = (await listConnections()).filter((c) => c.connectionName === names.connectionName);
    expect(mine).toHaveLength(1);
  });

  it('while the connection is down, publish and ping reject with QUEUE_UNAVAILABLE at once', async () => {
    const names = uniqueNames('gap');
    // A long first backoff holds the gap open long enough to look at it.
    const queue = queues.make({ ...names, reconnect: { initialDelayMs: 3_000, maxDelayMs: 3_000 } });
    await queue.ping();
    expect(await closeConnectionsNamed(names.connectionName)).toBe(1);
    await waitUntil(() => !queue.connected, 'the queue to notice');
    const started = Date.now();
    const error = await queue.publish([message()]).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(100);
    expect(NotifyError.is(error) && error.code).toBe('QUEUE_UNAVAILABLE');
    expect((error as NotifyError).retryable).toBe(true);
    expect((error as NotifyError).retryAfterMs).toBeGreaterThan(0);
    await expect(queue.ping()).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    await waitUntil(() => queue.connected, 'the reconnect', 5_000);
    await queue.ping();
  });

  it('a broker outage (connections reset, reconnects refused) ends with consumers re-subscribed', async () => {
    const proxy = await startBrokerProxy(vhost.url);
    proxies.push(proxy);
    const names = uniqueNames('outage');
    proxy.cut();
    // Started while the broker is away: nothing hangs, the consumer waits for a connection.
    const queue = queues.make({
      ...names,
      url: proxy.url,
      reconnect: { initialDelayMs: 50, maxDelayMs: 400 },
    });
    await expect(queue.publish([message()])).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    const received: string[] = [];
    await queue.consume(
      async (m) => {
        received.push(m.requestId);
      },
      { concurrency: 2 },
    );
    proxy.restore();
    await waitUntil(() => queue.connected, 'the first connection', 5_000);
    const before = message();
    await queue.publish([before]);
    await waitUntil(() => received.includes(before.requestId), 'a message before the outage');

    proxy.cut();
    await waitUntil(() => !queue.connected, 'the queue to notice the outage');
    await sleep(1_000); // several refused reconnect attempts
    await expect(queue.publish([message()])).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    proxy.restore();
    await waitUntil(() => queue.connected, 'the reconnect', 5_000);
    const after = message();
    await queue.publish([after]);
    await waitUntil(() => received.includes(after.requestId), 'a message after the outage');
  });

  it('a consumer cancelled by the broker (work queue deleted) comes back on a fresh session', async () => {
    const names = uniqueNames('cancel');
    const queue = queues.make(names);
    const received: string[] = [];
    await queue.consume(
      async (m) => {
        received.push(m.requestId);
      },
      { concurrency: 1 },
    );
    const first = message();
    await queue.publish([first]);
    await waitUntil(() => received.length === 1, 'the first message');
    const admin = await connect(vhost.url);
    const ch = await admin.createChannel();
    await ch.deleteQueue(names.queue);
    await admin.close();
    await waitUntil(() => !queue.connected, 'the queue to notice the cancel');
    await waitUntil(() => queue.connected, 'the new session (which re-declares the queue)', 5_000);
    const second = message();
    await queue.publish([second]);
    await waitUntil(() => received.includes(second.requestId), 'a message on the new session');
  });

  it('an injected connection factory is called again to reconnect', async () => {
    const names = uniqueNames('factory');
    let opened = 0;
    const queue = queues.make({
      ...names,
      url: undefined,
      connection: () => {
        opened++;
        return connect(vhost.url, { clientProperties: { connection_name: names.connectionName } });
      },
    });
    await queue.ping();
    expect(await closeConnectionsNamed(names.connectionName)).toBe(1);
    await waitUntil(() => !queue.connected, 'the loss');
    await waitUntil(() => queue.connected, 'the reconnect', 5_000);
    expect(opened).toBe(2);
    await queue.publish([message()]);
  });

  it('on an injected open connection, a lost channel is replaced on the same connection without doubling consumers', async () => {
    const names = uniqueNames('static');
    const model = await connect(vhost.url);
    try {
      const queue = queues.make({ ...names, url: undefined, connection: model });
      const received: string[] = [];
      await queue.consume(
        async (m) => {
          received.push(m.requestId);
        },
        { concurrency: 1 },
      );
      await queue.publish([message()]);
      await waitUntil(() => received.length === 1, 'the first message');
      const admin = await connect(vhost.url);
      await (await admin.createChannel()).deleteQueue(names.queue);
      await admin.close();
      await waitUntil(() => !queue.connected, 'the cancel');
      await waitUntil(() => queue.connected, 'the new session', 5_000);
      const batch = Array.from({ length: 20 }, () => message());
      await queue.publish(batch);
      await waitUntil(() => received.length === 21, 'the batch');
      await sleep(300);
      expect(received).toHaveLength(21);
      const ch = await model.createChannel();
      const { consumerCount } = await ch.checkQueue(names.queue);
      await ch.close();
      expect(consumerCount).toBe(1);
    } finally {
      await queues.closeAll();
      await model.close();
    }
  });
});
