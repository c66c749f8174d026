import { NotifyError } from '@notify/email-core';
import { describe, expect, it } from 'vitest';
import { body, makeHarness } from './use-case-harness.js';

describe('the whole path in memory', () => {
  it('accept → outbox → queue → worker, through a transient failure, to one delivered email', async () => {
    const h = makeHarness({ options: { retryBaseMs: 5, retryCapMs: 20 } });
    const consumer = await h.queue.consume(
      async (message) => {
        await h.engine.processNotification(message);
      },
      { concurrency: 4 },
    );
    h.transport.failNext(new NotifyError('SMTP_TRANSIENT', '421 busy'), 2);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await h.engine.acceptNotification({ body: body(), correlationId: `c-${i}` })).request_id);
    }
    await h.engine.flushOutbox();
    await h.queue.whenIdle();
    await consumer.stop();
    await h.engine.stop();

    const records = await Promise.all(ids.map((id) => h.store.getByRequestId(id)));
    expect(records.map((r) => r?.status)).toEqual(Array(5).fill('delivered'));
    expect(records.reduce((sum, r) => sum + (r?.attempts ?? 0), 0)).toBe(7);
    expect(h.transport.sent.map((m) => m.headers['X-Request-ID']).sort()).toEqual([...ids].sort());
    expect(h.notifier.events).toHaveLength(5);
  });
});
