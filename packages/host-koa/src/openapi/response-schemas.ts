import { NOTIFICATION_STATUSES } from '@notify/email-core';
import { z } from 'zod';

/*
 * The response side of the contract, described by hand from what the routes send (envelope.ts,
 * error-response.ts, routes/*.ts and the core's views.ts). Every schema here is registered under
 * the name it has in `components.schemas`; the openapi tests validate real responses against them.
 */

export const componentRegistry = z.registry<{ id: string; description?: string }>();

/** Registers `schema` as the component `id` and returns it. */
export function component<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  componentRegistry.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}

export const isoTime = z.iso.datetime().describe('ISO-8601 UTC with `Z`.');

const status = component(
  'NotificationStatus',
  z.enum(NOTIFICATION_STATUSES),
  '`queued` accepted and waiting; `processing` a worker holds it; `retrying` a transient failure, next attempt scheduled; `delivered` the SMTP server accepted it; `failed` permanent error or retries exhausted (it is in the dead-letter queue). Later versions may add statuses: treat an unknown one as not final.',
);

const errorDetail = component(
  'ErrorDetail',
  z.object({
    path: z.string().describe('Dotted path of the offending field, e.g. `variables.email`.'),
    message: z.string(),
  }),
);

const errorObject = component(
  'Error',
  z.object({
    code: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .describe(
        'Machine-readable UPPER_SNAKE code; see the response descriptions for which codes each status carries. Match on `code`, never on `message`.',
      ),
    message: z.string().describe('A human sentence; never a stack trace or an internal message.'),
    details: z
      .array(errorDetail)
      .min(1)
      .optional()
      .describe('One entry per bad field; present only where there are fields to point at.'),
  }),
);

export const errorEnvelope = component(
  'ErrorEnvelope',
  z.object({
    success: z.literal(false),
    message: z.string().describe('The same text as `error.message`.'),
    data: z.null(),
    error: errorObject,
    meta: z.null(),
  }),
  'Every failure (4xx and 5xx) has this shape.',
);

/** A success envelope around `data` (and `meta`, null unless the route pages). */
function success<D extends z.ZodType, M extends z.ZodType>(data: D, meta: M) {
  return z.object({
    success: z.literal(true),
    message: z.string(),
    data,
    error: z.null(),
    meta,
  });
}

const acceptResult = component(
  'AcceptResult',
  z.object({
    request_id: z.string(),
    task_id: z.uuid().describe('Stable across retries and replays.'),
    /** `queued` on the first accept; the current status on an idempotent replay. */
    status,
  }),
);

const notificationView = component(
  'Notification',
  z.object({
    request_id: z.string(),
    task_id: z.uuid(),
    user_id: z.string(),
    to_email: z.string(),
    template_code: z.string(),
    status,
    attempts: z
      .int()
      .min(0)
      .describe('Attempts counted against the retry budget (a deferral is not counted).'),
    error: z.string().nullable().describe('The last error, null when none.'),
    priority: z.int().min(1).max(100),
    metadata: z.record(z.string(), z.unknown()),
    created_at: isoTime,
    updated_at: isoTime,
    delivered_at: isoTime.nullable(),
  }),
);

const pageMeta = component(
  'PageMeta',
  z.object({
    total: z.int().min(0),
    limit: z.int().min(1),
    page: z.int().min(1),
    total_pages: z.int().min(0),
    has_next: z.boolean(),
    has_previous: z.boolean(),
  }),
);

const healthCheck = component(
  'HealthCheck',
  z.object({
    status: z.enum(['up', 'down', 'degraded']),
    latency_ms: z.number().min(0).optional(),
    detail: z.string().optional(),
  }),
);

const healthReport = component(
  'HealthReport',
  z.object({
    status: z.enum(['healthy', 'unhealthy']),
    service: z.literal('email-service'),
    version: z.string(),
    timestamp: isoTime,
    checks: z.object({ database: healthCheck, queue: healthCheck, smtp: healthCheck }),
  }),
  '`smtp` is `degraded` while the SMTP circuit is open: mail is deferred, not lost, and the service stays healthy.',
);

export const acceptedEnvelope = component('AcceptedEnvelope', success(acceptResult, z.null()));
export const notificationEnvelope = component('NotificationEnvelope', success(notificationView, z.null()));
export const notificationListEnvelope = component(
  'NotificationListEnvelope',
  success(z.array(notificationView).describe('Newest first.'), pageMeta),
);
export const healthyEnvelope = component('HealthEnvelope', success(healthReport, z.null()));
export const unhealthyEnvelope = component(
  'UnhealthyEnvelope',
  z.object({
    success: z.literal(false),
    message: z.string(),
    /** Kept on failure, so a monitor sees which check is down. */
    data: healthReport,
    error: errorObject,
    meta: z.null(),
  }),
  'The one failure that keeps its `data`.',
);
export const livenessEnvelope = component(
  'LivenessEnvelope',
  success(z.object({ status: z.literal('alive'), uptime_s: z.int().min(0) }), z.null()),
);
