import type { NotificationEvent } from './events.js';

/**
 * The notification record: the source of truth for one email, and its own outbox entry
 * (`publishedAt` null = not yet handed to the queue).
 */
export const NOTIFICATION_STATUSES = ['queued', 'processing', 'retrying', 'delivered', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** One attempt (or deferral) in a notification's history; kept across dead-letter replays. */
export interface AttemptRecord {
  /** 1-based attempt number within the attempt budget in force when it ran. */
  attempt: number;
  at: Date;
  outcome: 'delivered' | 'retrying' | 'failed' | 'deferred' | 'replayed';
  /** Error code and message, when the attempt failed. */
  errorCode?: string | null;
  error?: string | null;
}

export interface Notification {
  /** The task id: a UUID given at accept time, stable across retries. */
  id: string;
  /** The client's idempotency key, unique. */
  requestId: string;
  userId: string;
  toEmail: string;
  templateCode: string;
  variables: Record<string, unknown>;
  /** 1..100, higher is sooner. */
  priority: number;
  metadata: Record<string, unknown>;
  status: NotificationStatus;
  /** Attempts counted against the retry budget (a breaker deferral is not counted). */
  attempts: number;
  /** Last error message, null when none. */
  error: string | null;
  /** Last error code (a NotifyError code), null when none. */
  errorCode: string | null;
  /** SHA-256 of the canonical validated payload, for idempotent replays. */
  payloadHash: string;
  correlationId: string;
  /** Who holds the processing lease, and until when. */
  leaseOwner: string | null;
  leaseUntil: Date | null;
  /** When the current queue message for this record was confirmed by the queue; null = not yet. */
  publishedAt: Date | null;
  /** When the next attempt is due (retrying/deferred), null otherwise. */
  nextAttemptAt: Date | null;
  history: AttemptRecord[];
  createdAt: Date;
  updatedAt: Date;
  deliveredAt: Date | null;
}

/** What accept hands to the store; the store fills in nothing but may normalise dates. */
export type NewNotification = Notification;

/** Fields a guarded update may change. */
export type NotificationPatch = Partial<
  Pick<
    Notification,
    | 'status'
    | 'attempts'
    | 'error'
    | 'errorCode'
    | 'leaseOwner'
    | 'leaseUntil'
    | 'publishedAt'
    | 'nextAttemptAt'
    | 'deliveredAt'
    | 'updatedAt'
  >
> & {
  /** Appended to the history (never replaces it). */
  appendHistory?: AttemptRecord;
  /** Written to the event log with the update, and only if the update applies. */
  event?: NotificationEvent;
};

/** The fields a patch may set, as in a SQL SET list (`appendHistory` and `event` are not fields). */
const PATCH_FIELDS = [
  'status',
  'attempts',
  'error',
  'errorCode',
  'leaseOwner',
  'leaseUntil',
  'publishedAt',
  'nextAttemptAt',
  'deliveredAt',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof NotificationPatch>;

/**
 * `record` with the fields `patch` sets: only the patchable ones, `undefined` meaning "leave as
 * is" and `null` a value. A new object; the history is the record's, not yet appended to.
 */
export function applyPatch(record: Notification, patch: NotificationPatch): Notification {
  const next: Notification = { ...record };
  for (const field of PATCH_FIELDS) {
    const value = patch[field];
    if (value !== undefined) (next as unknown as Record<string, unknown>)[field] = value;
  }
  return next;
}
