import type { EventLog, EventPage, EventQuery, EventType, NotificationEvent } from '@notify/email-core';
import { NotifyError } from '@notify/email-core';

/** Runs a read and returns its rows; failures arrive already mapped to NotifyError. */
export type RunQuery = <R>(operation: string, text: string, values: unknown[]) => Promise<R[]>;

interface EventRow {
  seq: string;
  xid: string;
  id: string;
  type: EventType;
  request_id: string | null;
  created_at: Date;
  data: Record<string, unknown>;
}

const COLUMNS = 'seq, xid::text AS xid, id, type, request_id, created_at, data';

const TIMELINE_SQL = `SELECT ${COLUMNS} FROM notification_events WHERE request_id = $1 ORDER BY seq`;

// Only transactions older than the oldest one still running (all finished: committed or rolled
// back) are read. An event of a transaction still running has an xid at or above that bound, so
// whenever it becomes visible it sorts after every (xid, seq) handed out before.
const LIST_SQL = `
  SELECT ${COLUMNS} FROM notification_events
   WHERE (xid, seq) > ($1::xid8, $2::bigint)
     AND xid < pg_snapshot_xmin(pg_current_snapshot())
     AND ($3::text[] IS NULL OR type = ANY($3::text[]))
     AND ($4::timestamptz IS NULL OR created_at >= $4)
   ORDER BY xid, seq
   LIMIT $5`;

const CURSOR = /^p1\.(\d{1,20})\.(\d{1,19})$/;

/** The event log of PostgresNotificationStore: the `notification_events` table. */
export class PostgresEventLog implements EventLog {
  constructor(private readonly query: RunQuery) {}

  async timeline(requestId: string): Promise<NotificationEvent[]> {
    const rows = await this.query<EventRow>('events.timeline', TIMELINE_SQL, [requestId]);
    return rows.map(fromEventRow);
  }

  async list(query: EventQuery): Promise<EventPage> {
    const [xid, seq] = query.after === undefined ? ['0', '0'] : parseCursor(query.after);
    const rows = await this.query<EventRow>('events.list', LIST_SQL, [
      xid,
      seq,
      query.types ?? null,
      query.since ?? null,
      query.limit + 1,
    ]);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      events: page.map(fromEventRow),
      nextCursor: last === undefined ? (query.after ?? null) : `p1.${last.xid}.${last.seq}`,
      hasMore: rows.length > query.limit,
    };
  }
}

function parseCursor(cursor: string): [string, string] {
  const match = CURSOR.exec(cursor);
  // Both numbers must fit their types (xid8 is unsigned 64-bit, seq a signed bigint).
  if (match === null || BigInt(match[1] as string) >= 2n ** 64n || BigInt(match[2] as string) >= 2n ** 63n) {
    throw new NotifyError('VALIDATION_FAILED', 'cursor is not one this event log handed out', {
      details: [{ path: 'cursor', message: 'unknown cursor; pass meta.next_cursor as it was given' }],
    });
  }
  return [match[1] as string, match[2] as string];
}

function fromEventRow(row: EventRow): NotificationEvent {
  return { id: row.id, type: row.type, requestId: row.request_id, createdAt: row.created_at, data: row.data };
}

/** An event as the JSON `json_to_recordset` reads in the write statements. */
export function toEventRecord(event: NotificationEvent): Record<string, unknown> {
  return {
    event_id: event.id,
    event_type: event.type,
    event_at: event.createdAt,
    event_data: event.data,
  };
}
