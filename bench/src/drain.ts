import type pg from 'pg';
import { statusCounts } from './stack.js';

export interface DrainResult {
  delivered: number;
  failed: number;
  /** Still queued/retrying/processing when the drain gave up (0 on success). */
  left: number;
  /** From the workers' start to the last delivery, in seconds (includes process start-up). */
  wallS: number;
  /** First to last delivery, from the stored delivered_at times. */
  deliverySpanS: number;
  /** (delivered - 1) ÷ deliverySpanS: the steady drain rate. */
  deliveredPerSecond: number;
}

const POLL_MS = 1_000;

/**
 * Polls the store until `expected` notifications reached a final status, or nothing moved for
 * `stallMs`. The rate comes from the rows' own delivered_at stamps, so the polling interval does
 * not blur it.
 */
export async function waitForDrain(
  db: pg.Pool,
  expected: number,
  startedAt: number,
  stallMs = 30_000,
): Promise<DrainResult> {
  let lastProgress = Date.now();
  let lastDone = -1;
  let counts: Record<string, number> = {};
  for (;;) {
    counts = await statusCounts(db);
    const done = (counts.delivered ?? 0) + (counts.failed ?? 0);
    if (done >= expected) break;
    if (done !== lastDone) {
      lastDone = done;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > stallMs) {
      break;
    }
    // Once a second: the count scans the whole table (dead row versions included), and polled
    // every 100 ms it took ~10 % of a core from the PostgreSQL the workers were measured against.
    // The rate comes from the rows' own stamps, so a coarse poll costs no precision.
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const { rows } = await db.query<{ first: Date | null; last: Date | null; n: string }>(
    `SELECT min(delivered_at) AS first, max(delivered_at) AS last, count(*) AS n
       FROM notifications WHERE status = 'delivered'`,
  );
  const first = rows[0]?.first?.getTime() ?? 0;
  const last = rows[0]?.last?.getTime() ?? 0;
  const delivered = Number(rows[0]?.n ?? 0);
  const spanS = (last - first) / 1000;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    delivered,
    failed: counts.failed ?? 0,
    left: total - delivered - (counts.failed ?? 0),
    wallS: last > 0 ? (last - startedAt) / 1000 : Number.NaN,
    deliverySpanS: spanS,
    deliveredPerSecond: spanS > 0 ? (delivered - 1) / spanS : Number.NaN,
  };
}
