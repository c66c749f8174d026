import { z } from 'zod';
import type { AttemptRecord, Notification } from '../domain/notification.js';
import { ERROR_CODE_PATTERN } from '../validation/field-rules.js';
import { toNotificationView } from './notification-view.js';
import { isoTimeSchema, notificationViewSchema, pageMetaSchema } from './views.js';

/*
 * The dead-letter views, each a zod schema whose output type is the view's type (as in views.ts),
 * and the mappers that build them without parsing.
 */

/** Every outcome the domain's AttemptRecord has, no more: the compiler holds the two together. */
const ATTEMPT_OUTCOMES = {
  delivered: 'delivered',
  retrying: 'retrying',
  failed: 'failed',
  deferred: 'deferred',
  replayed: 'replayed',
} as const satisfies { [O in AttemptRecord['outcome']]: O };

/** A NotifyError code. */
const errorCodeSchema = z.string().regex(ERROR_CODE_PATTERN);

/** One entry of a notification's history, as the API shows it. */
export const attemptViewSchema = z
  .object({
    attempt: z.int().min(0).describe('1-based within the attempt budget in force; 0 for `replayed`.'),
    at: isoTimeSchema,
    outcome: z.enum(ATTEMPT_OUTCOMES),
    error_code: errorCodeSchema.nullable(),
    error: z.string().nullable(),
  })
  .describe('One attempt, breaker deferral or replay in a notification’s history.');
export type AttemptView = z.output<typeof attemptViewSchema>;

/** A dead letter in a list: the status object plus why and when it failed. */
export const deadLetterViewSchema = notificationViewSchema
  .extend({
    error_code: errorCodeSchema
      .nullable()
      .describe('Why it failed, e.g. `SMTP_PERMANENT`, `RETRIES_EXHAUSTED`.'),
    // A failed record is not written again until it is replayed, so `updated_at` is when it failed.
    failed_at: isoTimeSchema.describe('When it became `failed`.'),
  })
  .describe('A `failed` notification.');
export type DeadLetterView = z.output<typeof deadLetterViewSchema>;

export const notificationHistoryViewSchema = notificationViewSchema
  .extend({
    error_code: errorCodeSchema.nullable().describe('The code of the last error, null when none.'),
    correlation_id: z.string().describe('The correlation id it was accepted with, to find its log lines.'),
    history: z.array(attemptViewSchema).describe('Every attempt, deferral and replay, oldest first.'),
  })
  .describe('A notification with its whole history.');
export type NotificationHistoryView = z.output<typeof notificationHistoryViewSchema>;

/** One dead letter, inspected. */
export const deadLetterDetailViewSchema = notificationHistoryViewSchema
  .extend({
    error_code: deadLetterViewSchema.shape.error_code,
    failed_at: deadLetterViewSchema.shape.failed_at,
  })
  .describe('A dead letter with every attempt, oldest first.');
export type DeadLetterDetailView = z.output<typeof deadLetterDetailViewSchema>;

export const deadLetterListOutputSchema = z.object({
  items: z.array(deadLetterViewSchema).describe('Newest failure first.'),
  meta: pageMetaSchema,
});
export type DeadLetterListOutput = z.output<typeof deadLetterListOutputSchema>;

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
