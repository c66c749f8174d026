import type { ClaimRequest } from '@notify/email-core';
import { byBatchIndex, type IndexedRow, type RunStatement } from './batch-statement.js';
import type { NotificationRow } from './row-mapping.js';

// One statement for a batch of claims. Under READ COMMITTED a claimer that finds a row locked
// waits, then re-checks the WHERE clause against the winner's committed version and matches
// nothing, exactly as the single-row form did. `request_id = ANY($2)` is there for the planner:
// it cannot see how many rows json_to_recordset yields (it guesses 100) and would otherwise join
// by scanning the whole table; with it, the unique index finds the batch's rows, in index order,
// so two batches lock shared rows in the same order.
const CLAIM_BATCH_SQL = `
  UPDATE notifications n
     SET status = 'processing', lease_owner = c.owner, lease_until = c.lease_until, updated_at = c.now
    FROM json_to_recordset($1::json)
         AS c(batch_index int, request_id text, owner text, lease_until timestamptz, now timestamptz)
   WHERE n.request_id = ANY($2::text[]) AND n.request_id = c.request_id
     AND (n.status IN ('queued', 'retrying')
          OR (n.status = 'processing' AND (n.lease_until IS NULL OR n.lease_until <= c.now)))
  RETURNING c.batch_index, n.*`;

/** Claims a batch (distinct request_ids) in one statement; each request's row, or null when not claimed. */
export async function claimBatch(
  run: RunStatement,
  requests: ClaimRequest[],
): Promise<Array<NotificationRow | null>> {
  const claims = requests.map((r, batch_index) => ({
    batch_index,
    request_id: r.requestId,
    owner: r.owner,
    lease_until: new Date(r.now.getTime() + r.leaseMs),
    now: r.now,
  }));
  const rows = (await run(CLAIM_BATCH_SQL, [
    JSON.stringify(claims),
    requests.map((r) => r.requestId),
  ])) as IndexedRow[];
  return byBatchIndex(rows, requests.length);
}
