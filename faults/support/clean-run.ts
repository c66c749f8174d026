import { expect } from 'vitest';
import type { Accounting } from './ledger.js';

/**
 * The outcome every scenario without deliberate failures must reach: each of the `count`
 * accepted notifications delivered once, none lost, failed, duplicated, or disagreeing between
 * PostgreSQL and the SMTP peer.
 */
export function expectCleanRun(result: Accounting, count: number): void {
  const { figures } = result;
  expect(figures.accepted).toBe(count);
  expect(result.lostIds).toEqual([]);
  expect(figures.failed).toBe(0);
  expect(result.duplicateIds).toEqual([]);
  expect(result.disagreementIds).toEqual([]);
  expect(figures.delivered).toBe(count);
}
