/*
 * The orders the in-memory stores list in, the same as the PostgreSQL queries' ORDER BY: a time,
 * then the id, so two records written in the same millisecond still come in one fixed order.
 */

type Timed<F extends string> = { id: string } & Record<F, Date>;

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Newest `field` first, then id descending. */
export function newestFirstBy<F extends string>(field: F): (a: Timed<F>, b: Timed<F>) => number {
  return (a, b) => b[field].getTime() - a[field].getTime() || compareIds(b.id, a.id);
}

/** Oldest `createdAt` first, then id ascending. */
export function oldestFirst(a: Timed<'createdAt'>, b: Timed<'createdAt'>): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || compareIds(a.id, b.id);
}
