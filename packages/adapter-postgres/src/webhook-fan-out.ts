/**
 * The webhook outbox's half of every statement that writes events (insert-batcher.ts,
 * update-batch.ts): given a CTE `written_events` (the events just inserted, RETURNING their key,
 * id, type and time), one pending delivery per enabled endpoint subscribed to the type, due at
 * once. It is part of the same statement, so the deliveries commit with their events or not at
 * all. With no endpoint, the join reads an empty table: the accept path's cost is measured in
 * docs/benchmarks.md.
 */
export const FAN_OUT_CTE = `
  deliveries AS (
    INSERT INTO webhook_deliveries
      (id, endpoint_id, event_xid, event_seq, event_id, event_type, next_attempt_at, created_at, updated_at)
    SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), w.id, e.xid, e.seq, e.id, e.type,
           e.created_at, e.created_at, e.created_at
      FROM written_events e
      JOIN webhook_endpoints w ON w.enabled AND (e.type = ANY (w.events) OR '*' = ANY (w.events))
  )`;

/** What the events' INSERT returns for the fan-out. */
export const WRITTEN_EVENT_COLUMNS = 'RETURNING xid, seq, id, type, created_at';
