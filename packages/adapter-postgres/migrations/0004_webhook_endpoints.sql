-- Webhook endpoints: where events are delivered, which types each one wants,
-- and the secrets its deliveries are signed with. Mirrors `WebhookEndpoint` in
-- @notify/email-core (packages/core/src/domain/webhook-endpoint.ts); written and read by
-- webhook-endpoint-store.ts. The secrets are kept as they are: a delivery is signed with them
-- (HMAC), so they cannot be stored as hashes. `previous_secret` signs as well until
-- `previous_secret_expires_at`, so a receiver can switch after a rotation without dropping one.
-- `id` (wh_ + 96 random bits) is made by the core; a clash is a bug and the key refuses it.
CREATE TABLE webhook_endpoints (
  id                         text        PRIMARY KEY,
  url                        text        NOT NULL,
  -- Event types, or '*' for every type (also those added later).
  events                     text[]      NOT NULL,
  description                text,
  enabled                    boolean     NOT NULL,
  secret                     text        NOT NULL,
  previous_secret            text,
  previous_secret_expires_at timestamptz,
  created_at                 timestamptz NOT NULL,
  updated_at                 timestamptz NOT NULL
);
-- The list's order (newest first, then id): the page is read off the index.
CREATE INDEX webhook_endpoints_created_idx ON webhook_endpoints (created_at DESC, id DESC);
