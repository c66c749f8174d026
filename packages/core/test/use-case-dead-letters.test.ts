import {
  createEmailEngine,
  InMemoryNotificationQueue,
  InMemoryNotificationStore,
  InMemoryTemplateSource,
  type Notification,
  type NotificationPatch,
  NotifyError,
  type QueueMessage,
  type UpdateGuard,
} from '@notify/email-core';
import { ControllableMailTransport, ManualClock } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { type Harness, makeHarness, rejectionOf, WELCOME } from './use-case-harness.js';

const PERMANENT = () => new NotifyError('SMTP_PERMANENT', '550 5.1.1 mailbox unknown', { responseCode: 550 });
const TRANSIENT = () => new NotifyError('SMTP_TRANSIENT', '451 4.3.0 try later', { responseCode: 451 });

function harness(): Harness {
  // A breaker that never opens here: these tests are about attempts, not deferrals.
  return makeHarness({ options: { maxRetries: 2, breaker: { failureThreshold: 1000 } } });
}

/** Accepts a notification and drives it to `failed` with one permanent SMTP error. */
async function failOnce(h: Harness, overrides: Record<string, unknown> = {}): Promise<QueueMessage> {
  const message = await h.accept(overrides);
  await h.engine.flushOutbox();
  h.transport.failNext(PERMANENT());
  expect(await h.engine.processNotification(message)).toBe('failed');
  return message;
}

describe('listDeadLetters', () => {
  it('lists failed notifications only, newest failure first, with error code and failure time', async () => {
    const h = harness();
    // Accepted first, failed last: the list must follow the failure, not the acceptance.
    const early = await h.accept({ request_id: 'dl-early' });
    h.clock.advance(1000);
    await failOnce(h, { request_id: 'dl-middle' });
    h.clock.advance(1000);
    h.transport.failNext(PERMANENT());
    expect(await h.engine.processNotification(early)).toBe('failed');
    const fine = await h.accept({ request_id: 'dl-fine' });
    expect(await h.engine.processNotification(fine)).toBe('delivered');

    const output = await h.engine.listDeadLetters({});
    expect(output.items.map((i) => i.request_id)).toEqual(['dl-early', 'dl-middle']);
    expect(output.meta).toEqual({
      total: 2,
      limit: 20,
      page: 1,
      total_pages: 1,
      has_next: false,
      has_previous: false,
    });
    expect(output.items[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: '550 5.1.1 mailbox unknown',
      error_code: 'SMTP_PERMANENT',
      failed_at: '2030-01-01T00:00:02.000Z',
      created_at: '2030-01-01T00:00:00.000Z',
    });
  });

  it('filters by user_id, template_code and error_code, and pages', async () => {
    const h = harness();
    await failOnce(h, { request_id: 'a-1', user_id: 'alice' });
    await failOnce(h, { request_id: 'a-2', user_id: 'alice' });
    await failOnce(h, { request_id: 'b-1', user_id: 'bob' });
    // A template that does not exist fails with its own code.
    const unknown = await h.accept({ request_id: 'a-3', user_id: 'alice', template_code: 'missing' });
    expect(await h.engine.processNotification(unknown)).toBe('failed');

    const alice = await h.engine.listDeadLetters({ user_id: 'alice', limit: '2', page: '2' });
    expect(alice.meta).toMatchObject({ total: 3, page: 2, total_pages: 2, has_previous: true });
    expect(alice.items).toHaveLength(1);
    const byCode = await h.engine.listDeadLetters({ user_id: 'alice', error_code: 'SMTP_PERMANENT' });
    expect(byCode.items.map((i) => i.request_id).sort()).toEqual(['a-1', 'a-2']);
    const byTemplate = await h.engine.listDeadLetters({ template_code: 'missing' });
    expect(byTemplate.items.map((i) => [i.request_id, i.error_code])).toEqual([
      ['a-3', 'TEMPLATE_NOT_FOUND'],
    ]);
  });

  it('refuses bad query values with VALIDATION_FAILED naming each field', async () => {
    const h = harness();
    const error = await rejectionOf(
      h.engine.listDeadLetters({ error_code: 'smtp permanent', limit: '0', user_id: ['a', 'b'] }),
    );
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((error as NotifyError).details?.map((d) => d.path)).toEqual(['user_id', 'error_code', 'limit']);
  });

  it('answers STORE_UNAVAILABLE when the store is down', async () => {
    const h = harness();
    h.store.setAvailable(false);
    expect(await rejectionOf(h.engine.listDeadLetters({}))).toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});

describe('getDeadLetter', () => {
  it('shows every attempt with its time, outcome, error code and message', async () => {
    const h = harness();
    const message = await h.accept({ request_id: 'dl-history' });
    await h.engine.flushOutbox();
    h.transport.failNext(TRANSIENT());
    expect(await h.engine.processNotification(message)).toBe('retrying');
    h.clock.advance(5000);
    h.transport.failNext(PERMANENT());
    expect(await h.engine.processNotification(message)).toBe('failed');

    const detail = await h.engine.getDeadLetter('dl-history');
    expect(detail).toMatchObject({
      request_id: 'dl-history',
      status: 'failed',
      attempts: 2,
      error_code: 'SMTP_PERMANENT',
      failed_at: '2030-01-01T00:00:05.000Z',
      correlation_id: 'corr-1',
    });
    expect(detail.history).toEqual([
      {
        attempt: 1,
        at: '2030-01-01T00:00:00.000Z',
        outcome: 'retrying',
        error_code: 'SMTP_TRANSIENT',
        error: '451 4.3.0 try later',
      },
      {
        attempt: 2,
        at: '2030-01-01T00:00:05.000Z',
        outcome: 'failed',
        error_code: 'SMTP_PERMANENT',
        error: '550 5.1.1 mailbox unknown',
      },
    ]);
  });

  it('is NOT_FOUND for an unknown id and for a notification that has not failed', async () => {
    const h = harness();
    await h.accept({ request_id: 'still-queued' });
    expect(await rejectionOf(h.engine.getDeadLetter('nope'))).toMatchObject({ code: 'NOT_FOUND' });
    const error = await rejectionOf(h.engine.getDeadLetter('still-queued'));
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    expect((error as Error).message).toContain('its status is queued');
  });
});

describe('replayDeadLetter', () => {
  it('re-queues with attempts 0 and the history kept, then delivers once the transport recovers', async () => {
    const h = harness();
    // Retries exhausted: three transient failures against a budget of 1 + 2 retries.
    const message = await h.accept({ request_id: 'dl-replay' });
    await h.engine.flushOutbox();
    h.transport.failNext(TRANSIENT(), 3);
    expect(await h.engine.processNotification(message)).toBe('retrying');
    expect(await h.engine.processNotification(message)).toBe('retrying');
    expect(await h.engine.processNotification(message)).toBe('failed');
    expect((await h.engine.getDeadLetter('dl-replay')).error_code).toBe('RETRIES_EXHAUSTED');
    const published = h.queue.published.length;

    h.clock.advance(60_000);
    const view = await h.engine.replayDeadLetter('dl-replay', 'corr-replay');
    expect(view).toMatchObject({ status: 'queued', attempts: 0, error: null, error_code: null });
    expect(view.history.map((e) => e.outcome)).toEqual(['retrying', 'retrying', 'failed', 'replayed']);
    const stored = (await h.store.getByRequestId('dl-replay')) as Notification;
    // The answer shows exactly what was stored.
    expect(view.history.at(-1)?.at).toBe(stored.history.at(-1)?.at.toISOString());
    expect(stored.history).toHaveLength(4);
    expect(h.queue.published.slice(published).map((p) => p.message.correlationId)).toEqual(['corr-replay']);
    expect(await h.engine.listDeadLetters({})).toMatchObject({ items: [], meta: { total: 0 } });

    // A fresh budget: one more transient failure is a retry, not a second death.
    h.transport.failNext(TRANSIENT());
    expect(await h.engine.processNotification(message)).toBe('retrying');
    expect(await h.engine.processNotification(message)).toBe('delivered');
    const final = (await h.store.getByRequestId('dl-replay')) as Notification;
    expect(final).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(final.history.map((e) => `${e.outcome}#${e.attempt}`)).toEqual([
      'retrying#1',
      'retrying#2',
      'failed#3',
      'replayed#0',
      'retrying#1',
      'delivered#2',
    ]);
    expect(h.transport.sent).toHaveLength(1);
  });

  it('refuses a notification that is not failed with NOT_REPLAYABLE, an unknown one with NOT_FOUND', async () => {
    const h = harness();
    const message = await h.accept({ request_id: 'dl-not-failed' });
    expect(await rejectionOf(h.engine.replayDeadLetter('dl-not-failed'))).toMatchObject({
      code: 'NOT_REPLAYABLE',
    });
    await h.engine.processNotification(message);
    expect(await rejectionOf(h.engine.replayDeadLetter('dl-not-failed'))).toMatchObject({
      code: 'NOT_REPLAYABLE',
    });
    expect(await rejectionOf(h.engine.replayDeadLetter('dl-unknown'))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('replays once when two replays race', async () => {
    const h = harness();
    await failOnce(h, { request_id: 'dl-race' });
    const results = await Promise.allSettled([
      h.engine.replayDeadLetter('dl-race'),
      h.engine.replayDeadLetter('dl-race'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'NOT_REPLAYABLE' });
    const stored = (await h.store.getByRequestId('dl-race')) as Notification;
    expect(stored.history.filter((e) => e.outcome === 'replayed')).toHaveLength(1);
  });
});

describe('replayDeadLetters (bulk)', () => {
  it('replays up to limit matching the filter, newest failure first, and reports counts', async () => {
    const h = harness();
    for (const id of ['a-1', 'a-2', 'a-3']) {
      await failOnce(h, { request_id: id, user_id: 'alice' });
      h.clock.advance(1000);
    }
    await failOnce(h, { request_id: 'b-1', user_id: 'bob' });

    const first = await h.engine.replayDeadLetters({ filter: { user_id: 'alice' }, limit: 2 }, 'corr-bulk');
    expect(first).toEqual({
      matched: 3,
      selected: 2,
      replayed: 2,
      skipped: 0,
      failed: 0,
      remaining: 1,
      limit: 2,
      filter: { user_id: 'alice' },
      request_ids: ['a-3', 'a-2'],
      errors: [],
    });
    const left = await h.engine.listDeadLetters({});
    expect(left.items.map((i) => i.request_id)).toEqual(['b-1', 'a-1']);

    const rest = await h.engine.replayDeadLetters({});
    expect(rest).toMatchObject({ matched: 2, replayed: 2, remaining: 0, limit: 100, filter: {} });
    expect((await h.engine.listDeadLetters({})).meta.total).toBe(0);
    for (const id of ['a-1', 'a-2', 'a-3', 'b-1']) {
      expect(await h.store.getByRequestId(id)).toMatchObject({ status: 'queued', attempts: 0 });
    }
    // Nothing left: a third run is a no-op, not an error.
    expect(await h.engine.replayDeadLetters({ limit: 5 })).toMatchObject({ matched: 0, replayed: 0 });
  });

  it('filters by error_code', async () => {
    const h = harness();
    await failOnce(h, { request_id: 'perm' });
    const unknown = await h.accept({ request_id: 'tmpl', template_code: 'missing' });
    await h.engine.processNotification(unknown);
    const result = await h.engine.replayDeadLetters({ filter: { error_code: 'TEMPLATE_NOT_FOUND' } });
    expect(result).toMatchObject({ matched: 1, replayed: 1, request_ids: ['tmpl'] });
    expect((await h.store.getByRequestId('perm'))?.status).toBe('failed');
  });

  it('counts a replay that fails in the store, and keeps going', async () => {
    const clock = new ManualClock();
    const store = new (class extends InMemoryNotificationStore {
      override async update(requestId: string, guard: UpdateGuard, patch: NotificationPatch) {
        if (requestId === 'stuck' && patch.status === 'queued') throw new Error('connection reset');
        return super.update(requestId, guard, patch);
      }
    })({ clock });
    const queue = new InMemoryNotificationQueue();
    const transport = new ControllableMailTransport();
    const engine = createEmailEngine(
      { store, queue, transport, templates: new InMemoryTemplateSource([WELCOME]), clock },
      { from: 'no-reply@mail.example.test' },
    );
    for (const requestId of ['ok-1', 'stuck', 'ok-2']) {
      await engine.acceptNotification({
        body: {
          notification_type: 'email',
          user_id: 'u',
          template_code: 'welcome',
          variables: { email: 'ada@example.test', name: 'Ada' },
          request_id: requestId,
        },
        correlationId: 'c',
      });
      const record = (await store.getByRequestId(requestId)) as Notification;
      transport.failNext(PERMANENT());
      await engine.processNotification({ requestId, taskId: record.id, priority: 10, correlationId: 'c' });
    }
    const result = await engine.replayDeadLetters({});
    expect(result).toMatchObject({ matched: 3, selected: 3, replayed: 2, failed: 1, remaining: 1 });
    expect(result.errors).toEqual([
      { request_id: 'stuck', code: 'STORE_UNAVAILABLE', message: expect.not.stringContaining('reset') },
    ]);
    expect((await store.getByRequestId('stuck'))?.status).toBe('failed');
    await engine.stop();
  });

  it('refuses unknown keys, bad filters and bad limits, naming each field', async () => {
    const h = harness();
    await failOnce(h, { request_id: 'kept' });
    const error = await rejectionOf(
      h.engine.replayDeadLetters({
        filter: { userId: 'alice', template_code: 'Bad Code', error_code: 5 },
        limit: 1001,
        dryRun: true,
      } as never),
    );
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((error as NotifyError).details?.map((d) => d.path)).toEqual([
      'filter.userId',
      'filter.template_code',
      'filter.error_code',
      'limit',
      'dryRun',
    ]);
    for (const bad of [[], 'all', { limit: 0 }, { limit: 2.5 }, { limit: '10' }, { filter: [] }]) {
      expect(await rejectionOf(h.engine.replayDeadLetters(bad as never)), JSON.stringify(bad)).toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
    // Nothing was replayed by any refused call.
    expect((await h.store.getByRequestId('kept'))?.status).toBe('failed');
  });
});
