import type { NotificationPatch, UpdateGuard } from '@notify/email-core';
import { byBatchIndex, type IndexedRow, type RunStatement } from './batch-statement.js';
import { toEventRecord } from './event-log.js';
import type { NotificationRow } from './row-mapping.js';
import { FAN_OUT_CTE, WRITTEN_EVENT_COLUMNS } from './webhook-fan-out.js';

/** One guarded update, as `NotificationStore.update` takes it. */
export interface UpdateItem {
  requestId: string;
  guard: UpdateGuard;
  patch: NotificationPatch;
}

/**
 * The patch fields a batch can carry, with their columns and SQL types. A patch sets only the
 * fields it holds, and `null` is a value (clearing `error`), so each item says which ones it sets
 * in a bit mask rather than by leaving the others null.
 */
const PATCH_FIELDS = [
  ['status', 'status', 'text'],
  ['attempts', 'attempts', 'int'],
  ['error', 'error', 'text'],
  ['errorCode', 'error_code', 'text'],
  ['leaseOwner', 'lease_owner', 'text'],
  ['leaseUntil', 'lease_until', 'timestamptz'],
  ['publishedAt', 'published_at', 'timestamptz'],
  ['nextAttemptAt', 'next_attempt_at', 'timestamptz'],
  ['deliveredAt', 'delivered_at', 'timestamptz'],
] as const satisfies ReadonlyArray<readonly [keyof NotificationPatch, string, string]>;

// Each update applies only where its own guard holds, as the single-row form did: the status is
// one of the guard's and, when the guard names one, the lease is still that owner's. The ANY($2)
// is for the planner, as in claim-batch.ts: the unique index instead of a scan of the table.
// With the update goes the event of each item that carries one, in the same statement (a
// data-modifying CTE), and only for the rows the update wrote; and with each event its webhook
// deliveries (webhook-fan-out.ts).
const UPDATE_BATCH_SQL = `
  WITH updated AS (
  UPDATE notifications n
     SET ${PATCH_FIELDS.map(
       ([, column], bit) =>
         `${column} = CASE WHEN (u.mask & ${1 << bit}) <> 0 THEN u.${column} ELSE n.${column} END`,
     ).join(',\n         ')},
         updated_at = u.updated_at,
         history = CASE WHEN u.history IS NULL THEN n.history ELSE n.history || u.history END
    FROM json_to_recordset($1::json) AS u(
           batch_index int, request_id text, guard_status text[], guard_owner text, mask int,
           ${PATCH_FIELDS.map(([, column, type]) => `${column} ${type}`).join(', ')},
           updated_at timestamptz, history jsonb,
           event_id text, event_type text, event_at timestamptz, event_data jsonb)
   WHERE n.request_id = ANY($2::text[]) AND n.request_id = u.request_id
     AND n.status = ANY(u.guard_status)
     AND (u.guard_owner IS NULL OR n.lease_owner = u.guard_owner)
  RETURNING u.batch_index, u.event_id AS event_id_, u.event_type AS event_type_,
            u.event_at AS event_at_, u.event_data AS event_data_, n.*
  ),
  written_events AS (
    INSERT INTO notification_events (id, type, request_id, created_at, data)
    SELECT event_id_, event_type_, request_id, event_at_, event_data_
      FROM updated WHERE event_id_ IS NOT NULL
    ${WRITTEN_EVENT_COLUMNS}
  ),${FAN_OUT_CTE}
  SELECT * FROM updated`;

/**
 * Applies a batch of guarded updates (distinct request_ids) in one statement; each item's updated
 * row, or null where its guard did not hold. `now` stamps `updated_at` when a patch carries none.
 */
export async function updateBatch(
  run: RunStatement,
  items: UpdateItem[],
  now: () => Date,
): Promise<Array<NotificationRow | null>> {
  const updates = items.map(({ requestId, guard, patch }, batch_index) => {
    const update: Record<string, unknown> = {
      batch_index,
      request_id: requestId,
      guard_status: guard.status,
      guard_owner: guard.leaseOwner ?? null,
      updated_at: patch.updatedAt ?? now(),
      history: patch.appendHistory ? [patch.appendHistory] : null,
      ...(patch.event === undefined ? {} : toEventRecord(patch.event)),
    };
    let mask = 0;
    PATCH_FIELDS.forEach(([field, column], bit) => {
      const value = patch[field];
      if (value === undefined) return;
      mask |= 1 << bit;
      update[column] = value;
    });
    update.mask = mask;
    return update;
  });
  const rows = await run(UPDATE_BATCH_SQL, [JSON.stringify(updates), items.map((i) => i.requestId)]);
  return byBatchIndex(rows as IndexedRow[], items.length);
}
