import { NotifyError, type QueueMessage } from '@notify/email-core';
import { ControllableNotificationQueue } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { body, harnessStoppedAfterEach, makeHarness, rejectionOf } from './use-case-harness.js';

const harness = harnessStoppedAfterEach();

describe('acceptNotification', () => {
  it('stores a queued record and answers with its task id', async () => {
    const { engine, store } = harness();
    const result = await engine.acceptNotification({
      body: body({ request_id: 'order-1', priority: 50, metadata: { order: 7 } }),
      correlationId: 'corr-accept',
    });
    expect(result).toMatchObject({ replayed: false, request_id: 'order-1', status: 'queued' });
    expect(result.task_id).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await store.getByRequestId('order-1');
    expect(stored).toMatchObject({
      id: result.task_id,
      status: 'queued',
      attempts: 0,
      toEmail: 'ada@example.test',
      priority: 50,
      metadata: { order: 7 },
      correlationId: 'corr-accept',
      publishedAt: null,
    });
    expect(stored?.payloadHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers a replay with the same task id and the current status', async () => {
    const { engine } = harness();
    const first = body({ request_id: 'replay-1' });
    const accepted = await engine.acceptNotification({ body: first, correlationId: 'c1' });
    const message: QueueMessage = {
      requestId: 'replay-1',
      taskId: accepted.task_id,
      priority: 10,
      correlationId: 'c1',
    };
    expect(await engine.processNotification(message)).toBe('delivered');
    // Same payload with keys in another order, the key sent as a header instead.
    const { request_id: _ignored, ...withoutId } = first;
    const reordered = Object.fromEntries(Object.entries(withoutId).reverse());
    const replay = await engine.acceptNotification({
      body: reordered,
      idempotencyKey: 'replay-1',
      correlationId: 'c2',
    });
    expect(replay).toEqual({
      replayed: true,
      request_id: 'replay-1',
      task_id: accepted.task_id,
      status: 'delivered',
    });
  });

  it('refuses the same request_id with a different payload: IDEMPOTENCY_KEY_REUSED', async () => {
    const { engine, store } = harness();
    await engine.acceptNotification({ body: body({ request_id: 'reuse-1' }), correlationId: 'c' });
    const error = await rejectionOf(
      engine.acceptNotification({
        body: body({ request_id: 'reuse-1', variables: { email: 'bob@example.test', name: 'Bob' } }),
        correlationId: 'c',
      }),
    );
    expect(NotifyError.is(error) && error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((error as NotifyError).details?.[0]?.path).toBe('request_id');
    expect((await store.getByRequestId('reuse-1'))?.toEmail).toBe('ada@example.test');
  });

  it('makes one record and one publish out of 20 concurrent duplicates', async () => {
    const { engine, store, queue } = harness();
    const same = body({ request_id: 'burst-1' });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        engine.acceptNotification({ body: structuredClone(same), correlationId: 'c' }),
      ),
    );
    expect(store.size).toBe(1);
    expect(new Set(results.map((r) => r.task_id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    await engine.flushOutbox();
    expect(queue.published.filter((p) => p.message.requestId === 'burst-1')).toHaveLength(1);
  });

  it('rejects an invalid body with VALIDATION_FAILED and stores nothing', async () => {
    const { engine, store } = harness();
    const error = await rejectionOf(
      engine.acceptNotification({
        body: body({ variables: { email: 'not-an-address' } }),
        correlationId: 'c',
      }),
    );
    expect(NotifyError.is(error) && error.code).toBe('VALIDATION_FAILED');
    expect((error as NotifyError).details?.map((d) => d.path)).toContain('variables.email');
    expect(store.size).toBe(0);
  });

  it('answers STORE_UNAVAILABLE when the store is down, and nothing is published', async () => {
    const { engine, store, queue } = harness();
    store.setAvailable(false);
    const error = await rejectionOf(engine.acceptNotification({ body: body(), correlationId: 'c' }));
    expect(NotifyError.is(error) && error.code).toBe('STORE_UNAVAILABLE');
    expect((error as NotifyError).kind).toBe('unavailable');
    await engine.flushOutbox();
    expect(queue.published).toHaveLength(0);
  });

  it('answers after the commit without waiting for the publish', async () => {
    // A broker that takes the message but never confirms it.
    class HangingQueue extends ControllableNotificationQueue {
      calls = 0;
      override publish(): Promise<void> {
        this.calls += 1;
        return new Promise(() => {});
      }
    }
    const queue = new HangingQueue();
    const { engine, store } = makeHarness({ queue, options: { outbox: { flushIntervalMs: 0 } } });
    const result = await engine.acceptNotification({
      body: body({ request_id: 'no-wait' }),
      correlationId: 'c',
    });
    expect(result.status).toBe('queued');
    expect((await store.getByRequestId('no-wait'))?.status).toBe('queued');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(queue.calls).toBe(1);
  });

  it('keeps accepting while the broker is down (the record is its own outbox)', async () => {
    const { engine, store, queue } = harness();
    queue.setAvailable(false);
    const result = await engine.acceptNotification({
      body: body({ request_id: 'broker-down' }),
      correlationId: 'c',
    });
    expect(result.status).toBe('queued');
    await engine.flushOutbox();
    expect((await store.getByRequestId('broker-down'))?.publishedAt).toBeNull();
  });
});
