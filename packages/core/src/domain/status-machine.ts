import { NotifyError } from './errors.js';
import type { NotificationStatus } from './notification.js';

/**
 * Every legal move of a notification's status (docs/architecture.md, Delivery semantics).
 * - queued|retrying → processing: a worker claims it.
 * - processing → processing: an expired lease is reclaimed by another worker.
 * - processing → delivered|retrying|failed: the outcome of an attempt.
 * - processing → queued: handed back without an attempt (breaker deferral, shutdown).
 * - failed → queued: a dead letter replayed with a fresh attempt budget.
 */
const TRANSITIONS: Readonly<Record<NotificationStatus, readonly NotificationStatus[]>> = {
  queued: ['processing'],
  retrying: ['processing'],
  processing: ['processing', 'delivered', 'retrying', 'failed', 'queued'],
  delivered: [],
  failed: ['queued'],
};

/** Statuses a worker never acts on again (only a replay moves `failed` on). */
export const FINAL_STATUSES: readonly NotificationStatus[] = ['delivered', 'failed'];

/** Statuses a worker may claim from (besides reclaiming an expired `processing` lease). */
export const CLAIMABLE_STATUSES: readonly NotificationStatus[] = ['queued', 'retrying'];

export function isFinalStatus(status: NotificationStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export function canTransition(from: NotificationStatus, to: NotificationStatus): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

/** Throws NotifyError ILLEGAL_TRANSITION unless `from → to` is a legal move. */
export function assertTransition(from: NotificationStatus, to: NotificationStatus): void {
  if (!canTransition(from, to)) {
    throw new NotifyError('ILLEGAL_TRANSITION', `A notification cannot go from '${from}' to '${to}'`);
  }
}

/** The statuses reachable from `from` in one move. */
export function nextStatuses(from: NotificationStatus): readonly NotificationStatus[] {
  return TRANSITIONS[from] ?? [];
}
