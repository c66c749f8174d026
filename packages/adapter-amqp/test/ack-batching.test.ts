import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestVhost, queueDepths, type TestVhost } from '../../../test-support/rabbitmq.js';
import { message, queueFactory, sleep, uniqueNames, waitUntil } from './helpers.js';

// The real amqplib channel class, resolved the way the adapter resolves it: its `ack` is watched
// (called through), so the test counts the ack frames the consumer really sends.
const amqplibChannels = createRequire(import.meta.resolve('amqplib'))('./lib/channel_model.js') as {
  Channel: { prototype: { ack(message: unknown, allUpTo?: boolean): void } };
};

let vhost: TestVhost;
const queues = queueFactory(() => vhost.url);

beforeAll(async () => {
  vhost = await createTestVhost('notify-amqp-acks');
});
afterEach(async () => {
  vi.restoreAllMocks();
  await queues.closeAll();
});
afterAll(async () => {
  await vhost?.remove();
});

async function unacked(queue: string): Promise<number> {
  return (await queueDepths(vhost.vhost, 'messages_unacknowledged'))[queue] ?? -1;
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('acks', () => {
  it('handlers that finish in the same turn are acked together, in far fewer frames than messages', async () => {
    const ack = vi.spyOn(amqplibChannels.Channel.prototype, 'ack');
    const names = uniqueNames('acks-together');
    const queue = queues.make(names);
    const release = gate();
    let started = 0;
    let finished = 0;
    await queue.consume(
      async () => {
        started++;
        await release.opened;
        finished++;
      },
      { concurrency: 50 },
    );
    await queue.publish(Array.from({ length: 50 }, () => message()));
    await waitUntil(() => started === 50, 'fifty handlers running');
    release.open();
    await waitUntil(() => finished === 50, 'fifty handlers done');
    await waitUntil(async () => (await queueDepths(vhost.vhost))[names.queue] === 0, 'queue empty');
    expect(ack.mock.calls.length).toBeGreaterThan(0);
    expect(ack.mock.calls.length).toBeLessThanOrEqual(5);
    // Closing returns nothing to the queue: every delivery was really acked.
    await queue.close();
    await sleep(200);
    expect((await queueDepths(vhost.vhost))[names.queue]).toBe(0);
  });

  it('a slow delivery at the head does not hold back the acks of the ones behind it', async () => {
    const names = uniqueNames('acks-slow-head');
    const queue = queues.make(names);
    const slow = gate();
    let handled = 0;
    await queue.consume(
      async () => {
        handled++;
        if (handled === 1) await slow.opened;
      },
      { concurrency: 10 },
    );
    await queue.publish(Array.from({ length: 10 }, () => message()));
    await waitUntil(() => handled === 10, 'ten handlers started');
    // Nine are done and must be acked now, while the first is still being worked on.
    await waitUntil(async () => (await unacked(names.queue)) === 1, 'only the slow head unacked', 8_000);
    slow.open();
    await waitUntil(async () => (await unacked(names.queue)) === 0, 'the head acked too', 8_000);
    await queue.close();
    expect((await queueDepths(vhost.vhost))[names.queue]).toBe(0);
  });

  it('a requeue in the middle is not swallowed by a multiple ack of the deliveries around it', async () => {
    const names = uniqueNames('acks-requeue');
    const queue = queues.make({ ...names, redeliveryDelayMs: 0 });
    const seen = new Map<string, number>();
    const release = gate();
    await queue.consume(
      async (m) => {
        const count = (seen.get(m.requestId) ?? 0) + 1;
        seen.set(m.requestId, count);
        await release.opened;
        // The fifth message fails its first delivery and must come back.
        if (m.requestId.endsWith('-5') && count === 1) throw new Error('transient');
      },
      { concurrency: 10 },
    );
    const batch = Array.from({ length: 10 }, (_, i) => message({ requestId: `requeue-${names.queue}-${i}` }));
    await queue.publish(batch);
    await waitUntil(() => seen.size === 10, 'ten delivered');
    release.open();
    await waitUntil(() => seen.get(`requeue-${names.queue}-5`) === 2, 'the failed one redelivered');
    await waitUntil(async () => (await queueDepths(vhost.vhost))[names.queue] === 0, 'queue empty');
    expect([...seen.values()].filter((n) => n > 1)).toEqual([2]);
  });
});
