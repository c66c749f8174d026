import { NotifyError } from '@notify/email-core';

/** Writes one batch in one statement; returns each item's result in the batch's order. */
export type BatchWrite<I, R> = (items: I[]) => Promise<R[]>;

export interface GroupCommitSettings<I> {
  /** Most items in one statement. */
  maxItems: number;
  /** Most statements in flight at once; items arriving meanwhile wait and share the next one. */
  maxConcurrent: number;
  /**
   * The row an item locks. A batch is sorted by it, so that a statement whose plan follows the
   * batch's order locks shared rows in the same order as the others (the update statements are
   * driven by the unique index, which orders them by itself); a deadlock PostgreSQL still detects
   * surfaces as STORE_UNAVAILABLE, which every caller retries.
   */
  keyOf(item: I): string;
  /**
   * At most one item per key in flight: a second write to the same row waits until the statement
   * carrying the first has finished, so it sees the first one's result exactly as two single-row
   * writes in a row would (with several statements in flight, they would otherwise race).
   */
  onePerKey: boolean;
}

interface Pending<I, R> {
  item: I;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit. A write costs a round trip and a WAL flush whatever it carries, so one row per
 * statement caps a process at the flushes the disk and the CPU allow, and loads PostgreSQL with a
 * statement, a transaction and a commit per row (docs/benchmarks.md).
 *
 * An item goes out at once while fewer than `maxConcurrent` statements are in flight, so an idle
 * process answers as fast as with single-row writes; under load the items that arrive meanwhile
 * queue and leave together in ONE statement: one transaction, one flush. The batch size follows
 * the load by itself; no timer ever holds an item back.
 *
 * A batch that fails for a reason other than an unavailable store is split into single-item
 * statements, so one bad row fails alone and never takes its neighbours down with it.
 */
export class GroupCommit<I, R> {
  private waiting: Array<Pending<I, R>> = [];
  private inFlight = 0;
  /** With `onePerKey`: the keys of the items in statements now in flight. */
  private readonly busyKeys = new Set<string>();
  private scheduled = false;

  constructor(
    private readonly write: BatchWrite<I, R>,
    private readonly settings: GroupCommitSettings<I>,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Flushes on the next turn of the event loop rather than synchronously, so the items submitted
   * in the same I/O phase (a burst of deliveries, a burst of request bodies) share a statement.
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
      const batch = this.take();
      // Everything waiting writes a row already being written: the end of that statement pumps.
      if (batch.length === 0) return;
      this.inFlight += 1;
      void this.flush(batch).finally(() => {
        if (this.settings.onePerKey) for (const p of batch) this.busyKeys.delete(this.settings.keyOf(p.item));
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  /** The next batch, oldest first; with `onePerKey`, a key already taken or in flight stays for later. */
  private take(): Array<Pending<I, R>> {
    const { maxItems, keyOf, onePerKey } = this.settings;
    let batch: Array<Pending<I, R>>;
    if (!onePerKey) {
      batch = this.waiting.splice(0, maxItems);
    } else {
      batch = [];
      const left: Array<Pending<I, R>> = [];
      for (const pending of this.waiting) {
        const key = keyOf(pending.item);
        if (batch.length < maxItems && !this.busyKeys.has(key)) {
          this.busyKeys.add(key);
          batch.push(pending);
        } else {
          left.push(pending);
        }
      }
      this.waiting = left;
    }
    return batch.sort((a, b) => compare(keyOf(a.item), keyOf(b.item)));
  }

  private async flush(batch: Array<Pending<I, R>>): Promise<void> {
    let results: R[];
    try {
      results = await this.write(batch.map((p) => p.item));
    } catch (error) {
      if (batch.length === 1 || (NotifyError.is(error) && error.code === 'STORE_UNAVAILABLE')) {
        for (const p of batch) p.reject(error);
        return;
      }
      await Promise.all(batch.map((p) => this.flush([p])));
      return;
    }
    batch.forEach((p, i) => {
      p.resolve(results[i] as R);
    });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
