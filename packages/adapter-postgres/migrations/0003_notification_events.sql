-- The event log (docs/events.md): each change of a notification writes its event in the same
-- statement as the change (insert-batcher.ts, update-batch.ts), so an event exists exactly when
-- its change does. Readers page by (xid, seq) and only up to the oldest transaction still
-- running (pg_snapshot_xmin): `seq` alone is taken before commit, so a transaction that commits
-- late would otherwise slip in behind a cursor already handed out (event-log.ts).
-- `id` (evt_ + 128 random bits) is unique by construction and not indexed: every index here is
-- written once per change of every notification, and an index on it cost the accept path a
-- measurable share (docs/benchmarks.md, 2026-12-04). Whatever must find an event by id (webhook
-- deliveries) will refer to `seq`.
CREATE TABLE notification_events (
  seq        bigint      GENERATED ALWAYS AS IDENTITY,
  xid        xid8        NOT NULL DEFAULT pg_current_xact_id(),
  id         text        NOT NULL,
  type       text        NOT NULL,
  request_id text,
  created_at timestamptz NOT NULL,
  data       jsonb       NOT NULL,
  -- The readers' order is the key: one index serves both.
  CONSTRAINT notification_events_pkey PRIMARY KEY (xid, seq),
  CONSTRAINT notification_events_data_is_object CHECK (jsonb_typeof(data) = 'object')
);
CREATE INDEX notification_events_request_idx
  ON notification_events (request_id, seq) WHERE request_id IS NOT NULL;
