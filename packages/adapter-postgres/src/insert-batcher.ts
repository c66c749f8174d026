import { type NewNotification, NotifyError } from '@notify/email-core';
import { NOTIFICATION_COLUMNS, type NotificationRow, toInsertValues } from './row-mapping.js';

/** Runs one statement and returns its rows; failures arrive already mapped to NotifyError. */
export type RunStatement = (text: string, values: unknown[]) => Promise<NotificationRow[]>;

export interface InsertBatcherSettings {
  /** Most rows in one INSERT statement. */
  maxRows: number;
  /** Most INSERT statements in flight at once; inserts arriving meanwhile wait and share the next one. */
  maxConcurrent: number;
}

interface Pending {
  notification: NewNotification;
  resolve(row: NotificationRow | null): void;
  reject(error: unknown): void;
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
 * Group commit for the accept path. Each accepted notification needs a durable commit, and a
 * commit costs a WAL flush plus a round trip whatever it carries, so one row per statement caps
 * the API at the number of flushes the disk and the CPU allow (measured ~2,700/s on two cores).
 *
 * Here an insert goes out at once while fewer than `maxConcurrent` statements are in flight, so
 * an idle service answers as fast as before; under load the inserts that arrive meanwhile queue
 * and leave together as ONE multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING *`, one
 * transaction and one flush for all of them. The batch size follows the load by itself; no timer
 * ever holds a request back.
 *
 * Semantics stay those of a single-row insert: each caller gets its own row when it created it,
 * or null when its request_id already existed (then the store reads the winner, as before). Rows
 * are matched by the caller's own `id`, so when two callers in one batch share a request_id the
 * one PostgreSQL kept is told `created` and the other is not. A batch that fails for a reason
 * other than an unavailable store is split into single-row inserts, so one bad row fails alone
 * and never takes the requests that happened to share its statement down with it.
 */
export class InsertBatcher {
  private waiting: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: RunStatement,
    private readonly settings: InsertBatcherSettings,
  ) {}

  /** Inserts unless the request_id exists; resolves with the stored row, or null on a conflict. */
  insert(notification: NewNotification): Promise<NotificationRow | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ notification, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Flushes on the next turn of the event loop rather than synchronously, so the requests whose
   * bodies were parsed in the same I/O phase share a statement even when the service is idle.
   */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.settings.maxConcurrent) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.settings.maxConcurrent && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.settings.maxRows);
      this.inFlight += 1;
      void this.flush(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    // The same lock order in every statement: two batches inserting overlapping request_ids
    // wait for each other instead of deadlocking.
    batch.sort((a, b) =>
      a.notification.requestId < b.notification.requestId
        ? -1
        : a.notification.requestId > b.notification.requestId
          ? 1
          : 0,
    );
    let rows: NotificationRow[];
    try {
      rows = await this.run(
        insertSql(batch.length),
        batch.flatMap((p) => toInsertValues(p.notification)),
      );
    } catch (error) {
      if (batch.length === 1 || (NotifyError.is(error) && error.code === 'STORE_UNAVAILABLE')) {
        for (const p of batch) p.reject(error);
        return;
      }
      await Promise.all(batch.map((p) => this.flush([p])));
      return;
    }
    const created = new Map(rows.map((row) => [row.id, row]));
    for (const p of batch) p.resolve(created.get(p.notification.id) ?? null);
  }
}
