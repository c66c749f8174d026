import assert from 'node:assert/strict';
import type { EventType, NotificationEvent } from '../../domain/events.js';
import { newEventId } from '../../domain/events.js';
import type { EventLog } from '../../ports/event-log.js';
import { at } from '../sample-notification.js';

/** Every case's title starts with this (tests elsewhere find cases by their titles). */
export const E = 'EventLog:';

/** An event about `requestId`, with data that must come back exactly as written. */
export function sampleEvent(
  requestId: string,
  type: EventType = 'notification.accepted',
  ms = 0,
): NotificationEvent {
  return {
    id: newEventId(),
    type,
    requestId,
    createdAt: at(ms),
    data: {
      request_id: requestId,
      status: 'queued',
      attempts: 0,
      metadata: { campaign: 'spring ✓', nested: { list: [1, 'two', null, { three: true }] } },
      delivered_at: null,
      detail: type === 'notification.failed' ? { code: 'SMTP_PERMANENT', message: '550 5.1.1' } : null,
    },
  };
}

/** The cursor at the end of the log as it is now: events written after it are "new". */
export async function endCursor(log: EventLog): Promise<string | undefined> {
  let after: string | undefined;
  for (;;) {
    const page = await log.list({ limit: 1000, ...(after === undefined ? {} : { after }) });
    after = page.nextCursor ?? undefined;
    if (!page.hasMore) return after;
  }
}

/** Reads from `after` to the end of the log; the events whose ids are in `mine`, in order. */
export async function readToEnd(
  log: EventLog,
  after: string | undefined,
  mine: Set<string>,
  limit = 1000,
): Promise<{ events: NotificationEvent[]; cursor: string | undefined }> {
  const events: NotificationEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await log.list({ limit, ...(cursor === undefined ? {} : { after: cursor }) });
    assert.ok(page.events.length <= limit, `a page holds at most limit (${limit}) events`);
    events.push(...page.events.filter((e) => mine.has(e.id)));
    cursor = page.nextCursor ?? cursor;
    if (!page.hasMore) return { events, cursor };
  }
}

/** Asserts `actual` is the event written: same id, type, notification, time and data. */
export function assertSameEvent(actual: NotificationEvent | undefined, expected: NotificationEvent): void {
  assert.ok(actual !== undefined, `expected event ${expected.id} (${expected.type}), got none`);
  assert.ok(actual.createdAt instanceof Date, 'createdAt comes back as a Date');
  assert.deepEqual(
    { ...actual, createdAt: actual.createdAt.toISOString() },
    { ...expected, createdAt: expected.createdAt.toISOString() },
  );
}
