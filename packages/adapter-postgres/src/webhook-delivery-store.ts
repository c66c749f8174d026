import type {
  ClaimedDelivery,
  DeliveryAttempt,
  DeliveryAttemptRecord,
  DeliveryClaimRequest,
  DeliveryListQuery,
  DeliveryStatus,
  OutboundEvent,
  WebhookDelivery,
  WebhookDeliveryStore,
} from '@notify/email-core';
import { newDeliveryId, outboundBody } from '@notify/email-core';
import type { RunQuery } from './event-log.js';
import { GroupCommit } from './group-commit.js';
import { endpointFromRow } from './webhook-endpoint-store.js';

/** A `webhook_deliveries` row as pg returns it. */
interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_response_status: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  created_at: Date;
  updated_at: Date;
}

const DELIVERY_COLUMNS = `d.id, d.endpoint_id, d.event_id, d.event_type, d.status, d.attempts, d.next_attempt_at,
  d.last_response_status, d.last_error, d.last_duration_ms, d.created_at, d.updated_at`;

const ENQUEUE_SQL = `
  INSERT INTO webhook_deliveries AS d
    (id, endpoint_id, payload, event_id, event_type, next_attempt_at, created_at, updated_at)
  SELECT $1, w.id, $3, $4, $5, $6, $6, $6 FROM webhook_endpoints w WHERE w.id = $2
  RETURNING ${DELIVERY_COLUMNS}`;

// SKIP LOCKED: concurrent claims each take rows the others have not locked, rather than queueing
// behind them; the lease then keeps the rows from every later claim until the attempt is recorded
// (or the lease runs out because its process died). Under READ COMMITTED a row another claim
// leased between our snapshot and our lock is re-checked against the WHERE and skipped.
const CLAIM_SQL = `
  WITH due AS (
    SELECT d.id FROM webhook_deliveries d
      JOIN webhook_endpoints w ON w.id = d.endpoint_id AND w.enabled
     WHERE d.status = 'pending' AND d.next_attempt_at <= $1
       AND (d.lease_until IS NULL OR d.lease_until <= $1)
     ORDER BY d.next_attempt_at
     LIMIT $2
       FOR UPDATE OF d SKIP LOCKED
  ),
  claimed AS (
    UPDATE webhook_deliveries d SET lease_owner = $3 || ':' || replace(gen_random_uuid()::text, '-', ''),
           lease_until = $4
      FROM due WHERE d.id = due.id
    RETURNING d.*
  )
  SELECT ${DELIVERY_COLUMNS.replaceAll('d.', 'c.')}, c.lease_owner,
         COALESCE(c.payload, jsonb_build_object('id', e.id, 'type', e.type, 'created_at', e.created_at, 'data', e.data))
           AS body,
         to_jsonb(w) AS endpoint
    FROM claimed c
    JOIN webhook_endpoints w ON w.id = c.endpoint_id
    LEFT JOIN notification_events e ON e.xid = c.event_xid AND e.seq = c.event_seq
   ORDER BY c.next_attempt_at`;

// One statement for a batch of attempts (group-commit.ts): each outcome under its own lease, its
// attempt in the log, and the failure clock of each endpoint in the batch, written only where it
// changes (a healthy endpoint's row is not rewritten by every success). Within one batch a success
// clears the clock: the endpoint answered.
const RECORD_BATCH_SQL = `
  WITH r AS (
    SELECT * FROM json_to_recordset($1::json) AS r(
      batch_index int, id text, lease text, status text, next_attempt_at timestamptz,
      response_status int, error text, duration_ms int, at timestamptz, disable_before timestamptz)
  ),
  d AS (
    UPDATE webhook_deliveries w SET
           attempts = w.attempts + 1, status = r.status, next_attempt_at = r.next_attempt_at,
           last_response_status = r.response_status, last_error = r.error,
           last_duration_ms = r.duration_ms, updated_at = r.at, lease_owner = NULL, lease_until = NULL
      FROM r
     WHERE w.id = ANY($2::text[]) AND w.id = r.id AND w.lease_owner = r.lease
    RETURNING r.batch_index, w.id, w.endpoint_id, w.attempts, r.status, r.at, r.disable_before,
              r.response_status, r.duration_ms, r.error
  ),
  attempt AS (
    INSERT INTO webhook_delivery_attempts (delivery_id, attempt, at, response_status, duration_ms, error)
    SELECT id, attempts, at, response_status, duration_ms, error FROM d
  ),
  outcome AS (
    SELECT endpoint_id, bool_or(status = 'succeeded') AS answered,
           min(at) FILTER (WHERE status <> 'succeeded') AS first_failure,
           max(disable_before) AS disable_before
      FROM d GROUP BY endpoint_id
  ),
  endpoint AS (
    UPDATE webhook_endpoints w SET
           failing_since = CASE WHEN o.answered THEN NULL ELSE COALESCE(w.failing_since, o.first_failure) END,
           enabled = CASE WHEN NOT o.answered AND COALESCE(w.failing_since, o.first_failure) <= o.disable_before
                          THEN false ELSE w.enabled END
      FROM outcome o
     WHERE w.id = o.endpoint_id
       AND CASE WHEN o.answered THEN w.failing_since IS NOT NULL
                ELSE w.failing_since IS NULL OR (w.enabled AND w.failing_since <= o.disable_before) END
  )
  SELECT batch_index FROM d`;

interface RecordItem {
  deliveryId: string;
  lease: string;
  outcome: DeliveryAttemptRecord;
}

const LIST_SQL = `
  SELECT ${DELIVERY_COLUMNS}, COUNT(*) OVER () AS total FROM webhook_deliveries d
   WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2)
   ORDER BY d.created_at DESC, d.id DESC
   LIMIT $3 OFFSET $4`;

const COUNT_SQL = `
  SELECT COUNT(*) AS total FROM webhook_deliveries d
   WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2)`;

const GET_SQL = `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.id = $2 AND d.endpoint_id = $1`;

const ATTEMPTS_SQL = `
  SELECT a.attempt, a.at, a.response_status, a.duration_ms, a.error
    FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
   WHERE d.id = $2 AND d.endpoint_id = $1
   ORDER BY a.attempt`;

const RETRY_SQL = `
  UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = $3, updated_at = $3,
         lease_owner = NULL, lease_until = NULL
   WHERE d.id = $2 AND d.endpoint_id = $1
  RETURNING ${DELIVERY_COLUMNS}`;

const RECOVER_SQL = `
  WITH recovered AS (
    UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = $3, updated_at = $3,
           lease_owner = NULL, lease_until = NULL
     WHERE d.endpoint_id = $1 AND d.status = 'failed' AND d.created_at >= $2
    RETURNING 1
  )
  SELECT count(*)::int AS recovered FROM recovered`;

/**
 * The webhook outbox on PostgreSQL (migrations/0005_webhook_deliveries.sql). The deliveries are
 * written by the notification store's own statements, with their events (webhook-fan-out.ts);
 * this reads, claims and records them. Each method is one statement.
 */
export class PostgresWebhookDeliveryStore implements WebhookDeliveryStore {
  /** Concurrent records share a statement and a commit: each attempt otherwise costs a WAL flush. */
  readonly #records: GroupCommit<RecordItem, boolean>;

  constructor(private readonly query: RunQuery) {
    this.#records = new GroupCommit((items) => this.#recordBatch(items), {
      maxItems: 100,
      maxConcurrent: 2,
      keyOf: (item) => item.deliveryId,
      onePerKey: true,
    });
  }

  async enqueue(endpointId: string, event: OutboundEvent, now: Date): Promise<WebhookDelivery | null> {
    const rows = await this.query<DeliveryRow>('deliveries.enqueue', ENQUEUE_SQL, [
      newDeliveryId(),
      endpointId,
      // Stored as the body every attempt sends, the same JSON a logged event's claim builds.
      outboundBody(event),
      event.id,
      event.type,
      now,
    ]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async claimDue(request: DeliveryClaimRequest): Promise<ClaimedDelivery[]> {
    const rows = await this.query<
      DeliveryRow & { lease_owner: string; body: WireEvent; endpoint: Parameters<typeof endpointFromRow>[0] }
    >('deliveries.claim', CLAIM_SQL, [
      request.now,
      request.limit,
      request.owner,
      new Date(request.now.getTime() + request.leaseMs),
    ]);
    return rows.map((row) => ({
      delivery: fromRow(row),
      endpoint: endpointFromRow(row.endpoint),
      event: {
        id: row.body.id,
        type: row.body.type,
        createdAt: new Date(row.body.created_at),
        data: row.body.data,
      },
      lease: row.lease_owner,
    }));
  }

  record(deliveryId: string, lease: string, outcome: DeliveryAttemptRecord): Promise<boolean> {
    return this.#records.submit({ deliveryId, lease, outcome });
  }

  async #recordBatch(items: RecordItem[]): Promise<boolean[]> {
    const records = items.map(({ deliveryId, lease, outcome }, batch_index) => ({
      batch_index,
      id: deliveryId,
      lease,
      status: outcome.next.status,
      next_attempt_at: outcome.next.status === 'pending' ? outcome.next.nextAttemptAt : null,
      response_status: outcome.attempt.responseStatus,
      error: outcome.attempt.error,
      duration_ms: outcome.attempt.durationMs,
      at: outcome.attempt.at,
      disable_before: outcome.disableIfFailingSince,
    }));
    const rows = await this.query<{ batch_index: number }>('deliveries.record', RECORD_BATCH_SQL, [
      JSON.stringify(records),
      items.map((item) => item.deliveryId),
    ]);
    const recorded = new Array<boolean>(items.length).fill(false);
    for (const row of rows) recorded[row.batch_index] = true;
    return recorded;
  }

  async list(
    endpointId: string,
    query: DeliveryListQuery,
  ): Promise<{ items: WebhookDelivery[]; total: number }> {
    const status = query.status ?? null;
    const rows = await this.query<DeliveryRow & { total: string }>('deliveries.list', LIST_SQL, [
      endpointId,
      status,
      query.limit,
      query.offset,
    ]);
    if (rows[0]) return { items: rows.map(fromRow), total: Number(rows[0].total) };
    if (query.offset === 0) return { items: [], total: 0 };
    const counted = await this.query<{ total: string }>('deliveries.list', COUNT_SQL, [endpointId, status]);
    return { items: [], total: Number(counted[0]?.total ?? 0) };
  }

  async get(endpointId: string, deliveryId: string): Promise<WebhookDelivery | null> {
    const rows = await this.query<DeliveryRow>('deliveries.get', GET_SQL, [endpointId, deliveryId]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async attempts(endpointId: string, deliveryId: string): Promise<DeliveryAttempt[]> {
    const rows = await this.query<{
      attempt: number;
      at: Date;
      response_status: number | null;
      duration_ms: number;
      error: string | null;
    }>('deliveries.attempts', ATTEMPTS_SQL, [endpointId, deliveryId]);
    return rows.map((r) => ({
      attempt: r.attempt,
      at: r.at,
      responseStatus: r.response_status,
      durationMs: r.duration_ms,
      error: r.error,
    }));
  }

  async retryNow(endpointId: string, deliveryId: string, now: Date): Promise<WebhookDelivery | null> {
    const rows = await this.query<DeliveryRow>('deliveries.retry', RETRY_SQL, [endpointId, deliveryId, now]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async recover(endpointId: string, since: Date, now: Date): Promise<number> {
    const rows = await this.query<{ recovered: number }>('deliveries.recover', RECOVER_SQL, [
      endpointId,
      since,
      now,
    ]);
    return rows[0]?.recovered ?? 0;
  }
}

/** The event body as `jsonb_build_object` gives it back (times as ISO text). */
interface WireEvent {
  id: string;
  type: string;
  created_at: string;
  data: Record<string, unknown>;
}

function fromRow(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastResponseStatus: row.last_response_status,
    lastError: row.last_error,
    lastDurationMs: row.last_duration_ms,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
