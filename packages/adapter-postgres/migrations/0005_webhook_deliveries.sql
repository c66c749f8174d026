-- The webhook outbox (docs/webhooks.md): one row per (endpoint, event), written in the same
-- statement as the event (webhook-fan-out.ts), so a delivery exists exactly when its event does
-- and a crash loses none. Dispatchers in any number of processes take due rows with
-- FOR UPDATE SKIP LOCKED and lease them (`lease_owner`, `lease_until`) for the length of an
-- attempt; a process killed mid-attempt leaves the lease to expire, and the row is sent again.
-- Mirrors `WebhookDelivery` in @notify/email-core (packages/core/src/domain/webhook-delivery.ts).
CREATE TABLE webhook_deliveries (
  id                   text        PRIMARY KEY,
  endpoint_id          text        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  -- The event, by the event log's key; null for an event that is not in the log (webhook.test),
  -- whose body is then `payload`.
  event_xid            xid8,
  event_seq            bigint,
  payload              jsonb,
  event_id             text        NOT NULL,
  event_type           text        NOT NULL,
  status               text        NOT NULL DEFAULT 'pending'
                                   CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts             integer     NOT NULL DEFAULT 0,
  next_attempt_at      timestamptz,
  lease_owner          text,
  lease_until          timestamptz,
  last_response_status integer,
  last_error           text,
  last_duration_ms     integer,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  CONSTRAINT webhook_deliveries_has_event CHECK ((event_seq IS NULL) <> (payload IS NULL))
)
-- Room on each page for the claim's new row version (it changes only the lease columns, which no
-- index holds), so it is a HOT update: no index entry per claim.
WITH (fillfactor = 80);
-- What the dispatchers ask: the pending rows, oldest due first. Partial, so finished rows cost
-- the claim nothing.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
-- The delivery log of one endpoint, newest first (and the cascade of its deletion).
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);

-- Every attempt: when, what came back, how long it took, why it failed.
CREATE TABLE webhook_delivery_attempts (
  delivery_id     text        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt         integer     NOT NULL,
  at              timestamptz NOT NULL,
  response_status integer,
  duration_ms     integer     NOT NULL,
  error           text,
  PRIMARY KEY (delivery_id, attempt)
);

-- Since when every attempt to the endpoint has failed (null after a success); an endpoint
-- failing for WEBHOOK_DISABLE_AFTER is disabled by the attempt that finds it so.
ALTER TABLE webhook_endpoints ADD COLUMN failing_since timestamptz;
-- `webhook` (made through the API) or `status-callback` (the one the service keeps for
-- STATUS_CALLBACK_URL, sent in that callback's own format and not shown by the API).
ALTER TABLE webhook_endpoints ADD COLUMN kind text NOT NULL DEFAULT 'webhook'
  CHECK (kind IN ('webhook', 'status-callback'));
