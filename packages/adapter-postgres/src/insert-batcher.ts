import type { NewNotification } from '@notify/email-core';
import type { RunStatement } from './batch-statement.js';
import { GroupCommit } from './group-commit.js';
import { NOTIFICATION_COLUMNS, type NotificationRow, toInsertValues } from './row-mapping.js';

export interface InsertBatcherSettings {
  /** Most rows in one INSERT statement. */
  maxRows: number;
  /** Most INSERT statements in flight at once; inserts arriving meanwhile wait and share the next one. */
  maxConcurrent: number;
}

/** PostgreSQL binds at most 65 535 parameters per statement. */
const MAX_PARAMETERS = 65_535;
export const MAX_ROWS_PER_INSERT = Math.floor(MAX_PARAMETERS / NOTIFICATION_COLUMNS.length);

function insertSql(rows: number): string {
  const width = NOTIFICATION_COLUMNS.length;
  const tuples = Array.from(
    { length: rows },
    (_, r) => `(${NOTIFICATION_COLUMNS.map((_, c) => `$${r * width + c + 1}`).join(', ')})`,
  );
  return `INSERT INTO notifications (${NOTIFICATION_COLUMNS.join(', ')})
  VALUES ${tuples.join(', ')}
  ON CONFLICT (request_id) DO NOTHING
  RETURNING *`;
}

/**
 * Group commit for the accept path (group-commit.ts): concurrent accepts share one multi-row
 * `INSERT … ON CONFLICT DO NOTHING RETURNING *`, one transaction and one flush (measured: one row
 * per statement capped the API at ~2,700 commits/s on two cores).
 *
 * Semantics stay those of a single-row insert: each caller gets its own row when it created it,
 * or null when its request_id already existed (then the store reads the winner, as before). Rows
 * are matched by the caller's own `id`, so when two callers in one batch share a request_id the
 * one PostgreSQL kept is told `created` and the other is not.
 */
export class InsertBatcher {
  private readonly batches: GroupCommit<NewNotification, NotificationRow | null>;

  constructor(run: RunStatement, settings: InsertBatcherSettings) {
    this.batches = new GroupCommit(
      async (notifications) => {
        const rows = await run(
          insertSql(notifications.length),
          notifications.flatMap((n) => toInsertValues(n)),
        );
        const created = new Map(rows.map((row) => [row.id, row]));
        return notifications.map((n) => created.get(n.id) ?? null);
      },
      {
        maxItems: settings.maxRows,
        maxConcurrent: settings.maxConcurrent,
        keyOf: (n) => n.requestId,
        onePerKey: false,
      },
    );
  }

  /** Inserts unless the request_id exists; resolves with the stored row, or null on a conflict. */
  insert(notification: NewNotification): Promise<NotificationRow | null> {
    return this.batches.submit(notification);
  }
}
