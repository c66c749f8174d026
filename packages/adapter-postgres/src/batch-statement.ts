import type { NotificationRow } from './row-mapping.js';

/** Runs one statement and returns its rows; failures arrive already mapped to NotifyError. */
export type RunStatement = (text: string, values: unknown[]) => Promise<NotificationRow[]>;

/** A row returned by a batched UPDATE, with the place in the batch of the item that wrote it. */
export type IndexedRow = NotificationRow & { batch_index: number };

/** Puts each returned row at its item's place in the batch; null where no row came back. */
export function byBatchIndex(rows: IndexedRow[], size: number): Array<NotificationRow | null> {
  const results: Array<NotificationRow | null> = new Array(size).fill(null);
  for (const row of rows) results[row.batch_index] = row;
  return results;
}
