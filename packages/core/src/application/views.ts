import { z } from 'zod';
import { NOTIFICATION_STATUSES } from '../domain/notification.js';

/*
 * The views the API answers with, each defined once as a zod schema whose output type is the
 * view's type. The mappers (notification-view.ts, dead-letter-views.ts) build views directly and
 * never parse one: the schemas describe them (host-koa's OpenAPI document is generated from them,
 * docs/openapi.md) and let an embedder check an answer, away from the hot path.
 */

/** A time as `Date.prototype.toISOString()` writes it. */
export const isoTimeSchema = z.iso.datetime().describe('ISO-8601 UTC with `Z`.');

export const notificationStatusSchema = z
  .enum(NOTIFICATION_STATUSES)
  .describe(
    '`queued` accepted and waiting; `processing` a worker holds it; `retrying` a transient failure, next attempt scheduled; `delivered` the SMTP server accepted it; `failed` permanent error or retries exhausted (it is in the dead-letter queue). Later versions may add statuses: treat an unknown one as not final.',
  );

export const notificationViewSchema = z
  .object({
    request_id: z.string(),
    task_id: z.uuid(),
    user_id: z.string(),
    to_email: z.string(),
    template_code: z.string(),
    status: notificationStatusSchema,
    attempts: z
      .int()
      .min(0)
      .describe('Attempts counted against the retry budget (a deferral is not counted).'),
    error: z.string().nullable().describe('The last error, null when none.'),
    priority: z.int().min(1).max(100),
    metadata: z.record(z.string(), z.unknown()),
    created_at: isoTimeSchema,
    updated_at: isoTimeSchema,
    delivered_at: isoTimeSchema.nullable(),
  })
  .describe('A notification as the API shows it (snake_case, ISO-8601 UTC times with `Z`).');
export type NotificationView = z.output<typeof notificationViewSchema>;

export interface AcceptCommand {
  /** The parsed JSON body, not yet validated. */
  body: unknown;
  /** The `Idempotency-Key` header, when sent. */
  idempotencyKey?: string | undefined;
  /** Follows the notification into the queue, the email headers and the callback. */
  correlationId: string;
}

export const acceptResultSchema = z.object({
  replayed: z.boolean().describe('true when this request_id had been accepted before with the same payload.'),
  request_id: z.string(),
  task_id: z.uuid().describe('Stable across retries and replays.'),
  status: notificationStatusSchema.describe('`queued` on first accept; the current status on a replay.'),
});
export type AcceptResult = z.output<typeof acceptResultSchema>;

export interface ListQuery {
  /** Raw query-string values; validated by the use case (bad values → VALIDATION_FAILED). */
  user_id?: unknown;
  status?: unknown;
  template_code?: unknown;
  limit?: unknown;
  page?: unknown;
}

export const pageMetaSchema = z.object({
  total: z.int().min(0),
  limit: z.int().min(1),
  page: z.int().min(1),
  total_pages: z.int().min(0),
  has_next: z.boolean(),
  has_previous: z.boolean(),
});
export type PageMeta = z.output<typeof pageMetaSchema>;

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

export const listOutputSchema = z.object({
  items: z.array(notificationViewSchema).describe('Newest first.'),
  meta: pageMetaSchema,
});
export type ListOutput = z.output<typeof listOutputSchema>;

export const checkStatusSchema = z.enum(['up', 'down', 'degraded']);
export type CheckStatus = z.output<typeof checkStatusSchema>;

export const healthCheckSchema = z.object({
  status: checkStatusSchema,
  latency_ms: z.number().min(0).optional(),
  detail: z.string().optional(),
});
export type HealthCheck = z.output<typeof healthCheckSchema>;

export const healthReportSchema = z
  .object({
    status: z.enum(['healthy', 'unhealthy']),
    service: z.literal('email-service'),
    version: z.string(),
    timestamp: isoTimeSchema,
    checks: z.object({ database: healthCheckSchema, queue: healthCheckSchema, smtp: healthCheckSchema }),
  })
  .describe(
    '`smtp` is `degraded` while the SMTP circuit is open: mail is deferred, not lost, and the service stays healthy.',
  );
export type HealthReport = z.output<typeof healthReportSchema>;

/** What processing one queue message came to; for logs and tests. */
export type ProcessOutcome = 'delivered' | 'retrying' | 'failed' | 'deferred' | 'skipped' | 'dead-lettered';
