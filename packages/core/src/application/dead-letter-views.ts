import type { AttemptRecord, Notification } from '../domain/notification.js';
import { toNotificationView } from './notification-view.js';
import type { NotificationView, PageMeta } from './views.js';

/** One entry of a notification's history, as the API shows it. */
export interface AttemptView {
  /** 1-based within the attempt budget in force; 0 for a `replayed` entry. */
  attempt: number;
  /** ISO-8601 UTC. */
  at: string;
  outcome: AttemptRecord['outcome'];
  error_code: string | null;
  error: string | null;
}

/** A dead letter in a list: the status object plus why and when it failed. */
export interface DeadLetterView extends NotificationView {
  /** The NotifyError code of the failure, e.g. SMTP_PERMANENT, RETRIES_EXHAUSTED. */
  error_code: string | null;
  /** When it became `failed` (ISO-8601 UTC); a failed record is not written again until replayed. */
  failed_at: string;
}

/** A notification with its whole history (every attempt, deferral and replay). */
export interface NotificationHistoryView extends NotificationView {
  error_code: string | null;
  /** The correlation id it was accepted with, to find its log lines. */
  correlation_id: string;
  history: AttemptView[];
}

/** One dead letter, inspected. */
export interface DeadLetterDetailView extends NotificationHistoryView {
  failed_at: string;
}

export interface DeadLetterListOutput {
  items: DeadLetterView[];
  meta: PageMeta;
}

export function toAttemptView(entry: AttemptRecord): AttemptView {
  return {
    attempt: entry.attempt,
    at: entry.at.toISOString(),
    outcome: entry.outcome,
    error_code: entry.errorCode ?? null,
    error: entry.error ?? null,
  };
}

export function toDeadLetterView(n: Notification): DeadLetterView {
  return { ...toNotificationView(n), error_code: n.errorCode, failed_at: n.updatedAt.toISOString() };
}

export function toNotificationHistoryView(n: Notification): NotificationHistoryView {
  return {
    ...toNotificationView(n),
    error_code: n.errorCode,
    correlation_id: n.correlationId,
    history: n.history.map(toAttemptView),
  };
}

export function toDeadLetterDetailView(n: Notification): DeadLetterDetailView {
  return { ...toNotificationHistoryView(n), failed_at: n.updatedAt.toISOString() };
}

/** Paging figures for `total` matches shown `limit` per page. */
export function pageMeta(total: number, limit: number, page: number): PageMeta {
  const totalPages = Math.ceil(total / limit);
  return {
    total,
    limit,
    page,
    total_pages: totalPages,
    has_next: page < totalPages,
    has_previous: page > 1,
  };
}
