import { NotifyError } from '@notify/email-core';
import { describe, expect, it } from 'vitest';
import { body, type Harness, harnessStoppedAfterEach, rejectionOf } from './use-case-harness.js';

const harness = harnessStoppedAfterEach();

describe('getNotification', () => {
  it('returns the API view with ISO-8601 UTC times', async () => {
    const h = harness();
    const accepted = await h.engine.acceptNotification({
      body: body({ request_id: 'get-1', metadata: { a: 1 } }),
      correlationId: 'c',
    });
    expect(await h.engine.getNotification('get-1')).toEqual({
      request_id: 'get-1',
      task_id: accepted.task_id,
      user_id: 'user-1',
      to_email: 'ada@example.test',
      template_code: 'welcome',
      status: 'queued',
      attempts: 0,
      error: null,
      priority: 10,
      metadata: { a: 1 },
      created_at: '2030-01-01T00:00:00.000Z',
      updated_at: '2030-01-01T00:00:00.000Z',
      delivered_at: null,
    });
  });

  it('answers NOT_FOUND for an unknown id and STORE_UNAVAILABLE when the store is down', async () => {
    const h = harness();
    expect(await rejectionOf(h.engine.getNotification('nope'))).toMatchObject({ code: 'NOT_FOUND' });
    h.store.setAvailable(false);
    expect(await rejectionOf(h.engine.getNotification('nope'))).toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});

describe('ids no request could have had', () => {
  it('are not found by every read and replay, without asking the store', async () => {
    const h = harness();
    // A store that would fail on being asked: PostgreSQL refuses a NUL in text outright.
    h.store.setAvailable(false);
    for (const id of ['a\u0000b', '\ud800', '', 'x'.repeat(300)]) {
      expect(await rejectionOf(h.engine.getNotification(id)), JSON.stringify(id)).toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(await rejectionOf(h.engine.retryFailed(id))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await rejectionOf(h.engine.getDeadLetter(id))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await rejectionOf(h.engine.replayDeadLetter(id))).toMatchObject({ code: 'NOT_FOUND' });
    }
  });
});

describe('a store that refuses a request for good', () => {
  it('is not reported as unavailable: the client is not told to retry what can never succeed', async () => {
    const h = harness();
    h.store.insert = async () => {
      throw new NotifyError(
        'INTERNAL',
        'PostgreSQL notification store failed during insert (SQLSTATE 22P05)',
        {
          retryable: false,
        },
      );
    };
    const error = await rejectionOf(h.engine.acceptNotification({ body: body(), correlationId: 'c' }));
    expect(error).toMatchObject({ code: 'INTERNAL', retryable: false });
  });
});

describe('listNotifications', () => {
  async function seed(h: Harness) {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const message = await h.accept({ request_id: `list-${i}`, user_id: i < 4 ? 'u-list' : 'u-other' });
      ids.push(message.requestId);
      h.clock.advance(1_000);
    }
    h.transport.failNext(new NotifyError('SMTP_TRANSIENT', '421'));
    await h.engine.processNotification({ requestId: 'list-1', taskId: '', priority: 10, correlationId: '' });
    await h.engine.processNotification({ requestId: 'list-2', taskId: '', priority: 10, correlationId: '' });
    return ids;
  }

  it('pages newest first with complete meta', async () => {
    const h = harness();
    await seed(h);
    const first = await h.engine.listNotifications({ user_id: 'u-list', limit: '3', page: '1' });
    expect(first.items.map((i) => i.request_id)).toEqual(['list-3', 'list-2', 'list-1']);
    expect(first.meta).toEqual({
      total: 4,
      limit: 3,
      page: 1,
      total_pages: 2,
      has_next: true,
      has_previous: false,
    });
    const second = await h.engine.listNotifications({ user_id: 'u-list', limit: '3', page: '2' });
    expect(second.items.map((i) => i.request_id)).toEqual(['list-0']);
    expect(second.meta).toMatchObject({ page: 2, has_next: false, has_previous: true });
  });

  it('maps pending to queued + retrying', async () => {
    const h = harness();
    await seed(h);
    const pending = await h.engine.listNotifications({ status: 'pending' });
    expect(pending.items.map((i) => [i.request_id, i.status])).toEqual([
      ['list-4', 'queued'],
      ['list-3', 'queued'],
      ['list-1', 'retrying'],
      ['list-0', 'queued'],
    ]);
    const delivered = await h.engine.listNotifications({ status: 'delivered' });
    expect(delivered.items.map((i) => i.request_id)).toEqual(['list-2']);
  });

  it('answers a page past the end with an empty page, and bad values with VALIDATION_FAILED', async () => {
    const h = harness();
    await seed(h);
    const past = await h.engine.listNotifications({ page: '9' });
    expect(past.items).toEqual([]);
    expect(past.meta).toMatchObject({
      total: 5,
      page: 9,
      total_pages: 1,
      has_next: false,
      has_previous: true,
    });
    const error = await rejectionOf(h.engine.listNotifications({ limit: '0' }));
    expect(NotifyError.is(error) && error.code).toBe('VALIDATION_FAILED');
  });
});

describe('retryFailed', () => {
  it('replays a failed notification with a fresh budget, keeping its history', async () => {
    const h = harness();
    const message = await h.accept({ request_id: 'replay-me' });
    await h.engine.flushOutbox();
    h.transport.failNext(new NotifyError('SMTP_PERMANENT', '550 mailbox full'));
    expect(await h.engine.processNotification(message)).toBe('failed');
    const before = h.queue.published.length;

    const view = await h.engine.retryFailed('replay-me', 'corr-replay');
    expect(view).toMatchObject({ status: 'queued', attempts: 0, error: null });
    const stored = await h.store.getByRequestId('replay-me');
    expect(stored?.history.map((e) => e.outcome)).toEqual(['failed', 'replayed']);
    expect(stored?.publishedAt).not.toBeNull();
    expect(h.queue.published.slice(before).map((p) => p.message)).toEqual([
      { requestId: 'replay-me', taskId: message.taskId, priority: 10, correlationId: 'corr-replay' },
    ]);
    expect(await h.engine.processNotification(message)).toBe('delivered');
    expect((await h.store.getByRequestId('replay-me'))?.attempts).toBe(1);
  });

  it('refuses anything not failed with NOT_REPLAYABLE, and an unknown id with NOT_FOUND', async () => {
    const h = harness();
    const message = await h.accept({ request_id: 'fine' });
    expect(await rejectionOf(h.engine.retryFailed('fine'))).toMatchObject({ code: 'NOT_REPLAYABLE' });
    await h.engine.processNotification(message);
    expect(await rejectionOf(h.engine.retryFailed('fine'))).toMatchObject({ code: 'NOT_REPLAYABLE' });
    expect(await rejectionOf(h.engine.retryFailed('nope'))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('stays replayed when the queue is down; recovery publishes it later', async () => {
    const h = harness({ options: { outbox: { recoveryGraceMs: 0 } } });
    const message = await h.accept({ request_id: 'replay-down' });
    h.transport.failNext(new NotifyError('SMTP_PERMANENT', '550'));
    await h.engine.processNotification(message);
    await h.engine.flushOutbox();
    h.queue.setAvailable(false);
    expect((await h.engine.retryFailed('replay-down')).status).toBe('queued');
    h.queue.setAvailable(true);
    h.clock.advance(1);
    expect(await h.engine.recoverStranded()).toBe(1);
  });
});

describe('health', () => {
  it('is healthy with every dependency up', async () => {
    const h = harness({ options: { version: '1.2.3' } });
    const report = await h.engine.health();
    expect(report).toMatchObject({
      status: 'healthy',
      service: 'email-service',
      version: '1.2.3',
      timestamp: '2030-01-01T00:00:00.000Z',
      checks: { database: { status: 'up' }, queue: { status: 'up' }, smtp: { status: 'up' } },
    });
    expect(report.checks.database.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('stays healthy with smtp degraded while the breaker is open', async () => {
    const h = harness({ options: { breaker: { failureThreshold: 1 } } });
    h.transport.failNext(new NotifyError('SMTP_TRANSIENT', '421'));
    await h.engine.processNotification(await h.accept());
    const report = await h.engine.health();
    expect(report.status).toBe('healthy');
    expect(report.checks.smtp.status).toBe('degraded');
    expect(report.checks.smtp.detail).toContain('circuit open');
  });

  it('shows smtp degraded when the server is unreachable though this process never sent (the API)', async () => {
    const h = harness();
    h.transport.setAvailable(false);
    const report = await h.engine.health();
    expect(h.engine.breakerState()).toBe('closed');
    expect(report.status).toBe('healthy');
    expect(report.checks.smtp.status).toBe('degraded');
    expect(report.checks.smtp.detail).toContain('not reachable');
  });

  it('is unhealthy when the store or the queue is down', async () => {
    const h = harness();
    h.store.setAvailable(false);
    let report = await h.engine.health();
    expect(report.status).toBe('unhealthy');
    expect(report.checks.database).toMatchObject({ status: 'down', detail: 'STORE_UNAVAILABLE' });
    expect(report.checks.queue.status).toBe('up');
    h.store.setAvailable(true);
    h.queue.setAvailable(false);
    report = await h.engine.health();
    expect(report.status).toBe('unhealthy');
    expect(report.checks.queue.status).toBe('down');
  });
});
