/** Readers of what the processes logged and what PostgreSQL kept, shared by the scenarios. */
import type { LogLine, StackProcess, StatusRow } from '../../test-support/stack.js';

export function linesWith(process: StackProcess, message: string): LogLine[] {
  return process.lines.filter((line) => line.message === message);
}

/** Queue messages a worker has finished with (any outcome), over all its incarnations. */
export function processedCount(process: StackProcess): number {
  return linesWith(process, 'Notification processed').length;
}

/** The recovery loop took this record over from a dead worker's expired lease. */
export function handedBackByRecovery(row: StatusRow | undefined): boolean {
  return (row?.history ?? []).some(
    (entry) => entry.outcome === 'deferred' && /handed back by recovery/.test(entry.error ?? ''),
  );
}

/** History entries that consumed an attempt (a deferral does not). */
export function countedAttempts(row: StatusRow): number {
  return row.history.filter((e) => ['delivered', 'retrying', 'failed'].includes(e.outcome)).length;
}
