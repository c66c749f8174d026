import type { PublishOptions, QueueMessage } from '@notify/email-core';
import { ControllableNotificationQueue } from '@notify/email-core/testing';
import { describe, expect, it, vi } from 'vitest';
import { body, harnessStoppedAfterEach, makeHarness } from './use-case-harness.js';

/** Records each publish call, so batching is visible. */
class CountingQueue extends ControllableNotificationQueue {
  readonly batches: QueueMessage[][] = [];
  override async publish(messages: QueueMessage[], options?: PublishOptions): Promise<void> {
    this.batches.push(messages);
    return super.publish(messages, options);
  }
}

const harness = harnessStoppedAfterEach();

describe('outbox relay', () => {
  it('publishes accepted notifications after the answer and marks them published', async () => {
    const h = harness();
    const result = await h.engine.acceptNotification({
      body: body({ request_id: 'ob-1', priority: 70 }),
      correlationId: 'c-ob',
    });
    await vi.waitFor(() => expect(h.queue.published).toHaveLength(1));
    expect(h.queue.published[0]?.message).toEqual({
      requestId: 'ob-1',
      taskId: result.task_id,
      priority: 70,
      correlationId: 'c-ob',
    });
    await vi.waitFor(async () => expect((await h.store.getByRequestId('ob-1'))?.publishedAt).not.toBeNull());
  });

  it('publishes in batches of batchSize', async () => {
    const queue = new CountingQueue();
    const h = harness({ queue, options: { outbox: { batchSize: 3, flushIntervalMs: 1_000 } } });
    for (let i = 0; i < 7; i++) await h.engine.acceptNotification({ body: body(), correlationId: 'c' });
    await h.engine.flushOutbox();
    expect(queue.batches.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(h.store.all().every((n) => n.publishedAt !== null)).toBe(true);
  });

  it('republishes what a failing queue did not take, once the grace period passed', async () => {
    const h = harness({ options: { outbox: { recoveryGraceMs: 10_000 } } });
    h.queue.setAvailable(false);
    await h.engine.acceptNotification({ body: body({ request_id: 'lost-1' }), correlationId: 'c' });
    await h.engine.acceptNotification({ body: body({ request_id: 'lost-2' }), correlationId: 'c' });
    await h.engine.flushOutbox();
    expect(h.queue.published).toHaveLength(0);
    expect(h.store.all().map((n) => n.publishedAt)).toEqual([null, null]);

    // Still down: the pass fails quietly and keeps them for later.
    h.clock.advance(10_001);
    expect(await h.engine.recoverStranded()).toBe(0);
    h.queue.setAvailable(true);
    expect(await h.engine.recoverStranded()).toBe(2);
    expect(h.queue.published.map((p) => p.message.requestId).sort()).toEqual(['lost-1', 'lost-2']);
    expect(h.store.all().every((n) => n.publishedAt !== null)).toBe(true);
    // Marked published: the next pass has nothing to do.
    expect(await h.engine.recoverStranded()).toBe(0);
  });

  it('leaves records younger than the grace period to the relay', async () => {
    const h = harness({ options: { outbox: { recoveryGraceMs: 10_000 } } });
    h.queue.setAvailable(false);
    await h.engine.acceptNotification({ body: body(), correlationId: 'c' });
    await h.engine.flushOutbox();
    h.queue.setAvailable(true);
    h.clock.advance(9_000);
    expect(await h.engine.recoverStranded()).toBe(0);
  });

  it('honours a pending retry delay when republishing a stranded retrying record', async () => {
    const h = harness({ options: { outbox: { recoveryGraceMs: 0 } } });
    const message = await h.accept({ request_id: 'late-retry' });
    await h.engine.flushOutbox();
    await h.store.claim({ requestId: 'late-retry', owner: 'w', now: h.clock.now(), leaseMs: 1_000 });
    // A worker stored `retrying` due in 30 s but died before its publish was confirmed.
    await h.store.update(
      'late-retry',
      { status: ['processing'], leaseOwner: 'w' },
      {
        status: 'retrying',
        publishedAt: null,
        nextAttemptAt: new Date(h.clock.now().getTime() + 30_000),
        updatedAt: h.clock.now(),
      },
    );
    h.clock.advance(1);
    const before = h.queue.published.length;
    expect(await h.engine.recoverStranded()).toBe(1);
    const [republished] = h.queue.published.slice(before);
    expect(republished?.message.requestId).toBe(message.requestId);
    expect(republished?.delayMs).toBe(29_999);
  });

  it('the recovery loop runs on its own once started', async () => {
    const h = harness({ options: { outbox: { recoveryIntervalMs: 10, recoveryGraceMs: 0 } } });
    h.queue.setAvailable(false);
    await h.engine.acceptNotification({ body: body({ request_id: 'loop-1' }), correlationId: 'c' });
    await h.engine.flushOutbox();
    h.queue.setAvailable(true);
    h.clock.advance(1);
    h.engine.startRelay();
    await vi.waitFor(() => expect(h.queue.published.map((p) => p.message.requestId)).toEqual(['loop-1']));
  });

  it('stop() flushes what is still buffered', async () => {
    const h = makeHarness({ options: { outbox: { flushIntervalMs: 60_000 } } });
    await h.engine.acceptNotification({ body: body({ request_id: 'flush-on-stop' }), correlationId: 'c' });
    expect(h.queue.published).toHaveLength(0);
    await h.engine.stop();
    expect(h.queue.published.map((p) => p.message.requestId)).toEqual(['flush-on-stop']);
  });
});
