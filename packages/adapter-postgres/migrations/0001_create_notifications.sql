-- The notification record: the source of truth for one email and its own outbox entry
-- (published_at NULL = not yet confirmed by the queue). Mirrors `Notification` in
-- @notify/email-core (packages/core/src/domain/notification.ts).
CREATE TABLE notifications (
  id              uuid        PRIMARY KEY,
  request_id      text        NOT NULL,
  user_id         text        NOT NULL,
  to_email        text        NOT NULL,
  template_code   text        NOT NULL,
  variables       jsonb       NOT NULL DEFAULT '{}'::jsonb,
  priority        integer     NOT NULL DEFAULT 10,
  metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  status          text        NOT NULL,
  attempts        integer     NOT NULL DEFAULT 0,
  error           text,
  error_code      text,
  payload_hash    text        NOT NULL,
  correlation_id  text        NOT NULL,
  lease_owner     text,
  lease_until     timestamptz,
  published_at    timestamptz,
  next_attempt_at timestamptz,
  history         jsonb       NOT NULL DEFAULT '[]'::jsonb,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  delivered_at    timestamptz,
  CONSTRAINT notifications_request_id_key UNIQUE (request_id),
  CONSTRAINT notifications_status_check
    CHECK (status IN ('queued', 'processing', 'retrying', 'delivered', 'failed')),
  CONSTRAINT notifications_priority_check CHECK (priority BETWEEN 1 AND 100),
  CONSTRAINT notifications_attempts_check CHECK (attempts >= 0),
  CONSTRAINT notifications_history_is_array CHECK (jsonb_typeof(history) = 'array')
);

-- The list query orders by (created_at DESC, id DESC) under any combination of filters; each
-- index below lets the planner walk one filter's rows already in that order and stop at LIMIT.
CREATE INDEX notifications_created_idx
  ON notifications (created_at DESC, id DESC);
CREATE INDEX notifications_user_created_idx
  ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_user_status_created_idx
  ON notifications (user_id, status, created_at DESC, id DESC);
CREATE INDEX notifications_status_created_idx
  ON notifications (status, created_at DESC, id DESC);
CREATE INDEX notifications_template_created_idx
  ON notifications (template_code, created_at DESC, id DESC);

-- The recovery loop's two questions stay cheap however large the table grows: partial indexes
-- hold only the few rows that are waiting for a publish or are leased right now.
CREATE INDEX notifications_unpublished_idx
  ON notifications (updated_at)
  WHERE published_at IS NULL AND status IN ('queued', 'retrying');
CREATE INDEX notifications_processing_lease_idx
  ON notifications (lease_until)
  WHERE status = 'processing';
