-- The event log (docs/events.md): each change of a notification writes its event in the same
-- statement as the change (insert-batcher.ts, update-batch.ts), so an event exists exactly when
-- its change does. Readers page by (xid, seq) and only up to the oldest transaction still
-- running (pg_snapshot_xmin): `seq` alone is taken before commit, so a transaction that commits
-- late would otherwise slip in behind a cursor already handed out (event-log.ts).
CREATE TABLE notification_events (
  seq        bigint      GENERATED ALWAYS AS IDENTITY,
  xid        xid8        NOT NULL DEFAULT pg_current_xact_id(),
  id         text        PRIMARY KEY,
  type       text        NOT NULL,
  request_id text,
  created_at timestamptz NOT NULL,
  data       jsonb       NOT NULL,
  CONSTRAINT notification_events_data_is_object CHECK (jsonb_typeof(data) = 'object')
);
CREATE UNIQUE INDEX notification_events_order_idx ON notification_events (xid, seq);
CREATE INDEX notification_events_request_idx
  ON notification_events (request_id, seq) WHERE request_id IS NOT NULL;
