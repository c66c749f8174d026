import { NotifyError } from '@notify/email-core';
import { describe, expect, it } from 'vitest';
import { harnessStoppedAfterEach } from './use-case-harness.js';

const harness = harnessStoppedAfterEach();

describe('events: every change of a notification, with the change', () => {
  it('accepted, then delivered: each with the status view at the change', async () => {
    const h = harness();
    const message = await h.accept({ request_id: 'ev-deliver', metadata: { order: 7 } });
    const [accepted] = await h.engine.getTimeline('ev-deliver');
    expect(accepted).toMatchObject({
      type: 'notification.accepted',
      created_at: h.clock.now().toISOString(),
      data: {
        request_id: 'ev-deliver',
        task_id: message.taskId,
        status: 'queued',
        attempts: 0,
        metadata: { order: 7 },
        next_attempt_at: null,
        detail: null,
      },
    });
    expect(accepted?.id).toMatch(/^evt_[A-Za-z0-9_-]{22}$/);
    h.clock.advance(1_000);
    expect(await h.engine.processNotification(message)).toBe('delivered');
    const timeline = await h.engine.getTimeline('ev-deliver');
    expect(timeline.map((e) => e.type)).toEqual(['notification.accepted', 'notification.delivered']);
    expect(timeline[1]).toMatchObject({
      created_at: h.clock.now().toISOString(),
      data: { status: 'delivered', attempts: 1, delivered_at: h.clock.now().toISOString() },
    });
    // The view in the event is the one a read right after the change shows.
    const { detail: _d, next_attempt_at: _n, ...view } = timeline[1]!.data;
    expect(view).toEqual(await h.engine.getNotification('ev-deliver'));
  });

  it('a 4xx is deferred with its code and the next attempt; a 5xx fails with its code', async () => {
    const h = harness();
    const message = await h.accept({ request_id: 'ev-soft' });
    h.transport.failNext(new NotifyError('SMTP_TRANSIENT', '421 try later', { responseCode: 421 }));
    expect(await h.engine.processNotification(message)).toBe('retrying');
    h.transport.failNext(new NotifyError('SMTP_PERMANENT', '550 5.1.1 no such user', { responseCode: 550 }));
    h.clock.advance(60_000);
    expect(await h.engine.processNotification(message)).toBe('failed');
    const [, deferred, failed] = await h.engine.getTimeline('ev-soft');
    expect(deferred).toMatchObject({
      type: 'notification.deferred',
      data: { status: 'retrying', detail: { code: 'SMTP_TRANSIENT', message: '421 try later' } },
    });
    expect(Date.parse(deferred!.data.next_attempt_at as string)).toBeGreaterThan(
      Date.parse(deferred!.created_at),
    );
    expect(failed).toMatchObject({
      type: 'notification.failed',
      data: { status: 'failed', detail: { code: 'SMTP_PERMANENT', message: '550 5.1.1 no such user' } },
    });
  });

  it('a replayed accept and a duplicate message write no event', async () => {
    const h = harness();
    const message = await h.accept({ request_id: 'ev-once' });
    await h.engine.acceptNotification({ body: { ...(await bodyOf(h, 'ev-once')) }, correlationId: 'c' });
    expect(await h.engine.processNotification(message)).toBe('delivered');
    expect(await h.engine.processNotification(message)).toBe('skipped');
    const timeline = await h.engine.getTimeline('ev-once');
    expect(timeline.map((e) => e.type)).toEqual(['notification.accepted', 'notification.delivered']);
  });

  it('lists every event by cursor, filtered by type, and names a bad parameter', async () => {
    const h = harness();
    for (const id of ['ev-a', 'ev-b', 'ev-c']) {
      await h.engine.processNotification(await h.accept({ request_id: id }));
    }
    const first = await h.engine.listEvents({ limit: '2' });
    expect(first.items.map((e) => [e.type, e.data.request_id])).toEqual([
      ['notification.accepted', 'ev-a'],
      ['notification.delivered', 'ev-a'],
    ]);
    expect(first.meta).toMatchObject({ has_more: true, limit: 2 });
    const rest = await h.engine.listEvents({
      cursor: first.meta.next_cursor,
      type: 'notification.delivered',
    });
    expect(rest.items.map((e) => e.data.request_id)).toEqual(['ev-b', 'ev-c']);
    await expect(h.engine.listEvents({ type: 'notification.sent' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'type' }],
    });
    await expect(h.engine.listEvents({ cursor: 'nope' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'cursor' }],
    });
    await expect(h.engine.getTimeline('no-such-request')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

async function bodyOf(h: ReturnType<typeof harness>, requestId: string) {
  const record = await h.store.getByRequestId(requestId);
  return {
    notification_type: 'email',
    user_id: record!.userId,
    template_code: record!.templateCode,
    variables: record!.variables,
    request_id: requestId,
    priority: record!.priority,
    metadata: record!.metadata,
  };
}
