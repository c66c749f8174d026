import {
  acceptResultSchema,
  healthCheckSchema,
  healthReportSchema,
  listOutputSchema,
  notificationStatusSchema,
  notificationViewSchema,
  pageMetaSchema,
} from '@notify/email-core';
import { z } from 'zod';

/*
 * The response side of the contract. What `data` holds is the core's own view schemas
 * (packages/core/src/application/views.ts, with their descriptions), registered here under their
 * component names; the envelope around them and the error objects are HTTP, so they are written
 * here, from what envelope.ts, error-response.ts and routes/*.ts send. The openapi tests validate
 * real responses against every one of them.
 */

export const componentRegistry = z.registry<{ id: string }>();

/** Registers `schema` as the component `id` and returns it. A description goes on the schema itself. */
export function component<T extends z.ZodType>(id: string, schema: T): T {
  componentRegistry.add(schema, { id });
  return schema;
}

/** A success envelope around `data` (and `meta`, null unless the route pages). */
export function success<D extends z.ZodType, M extends z.ZodType>(data: D, meta: M) {
  return z.object({
    success: z.literal(true),
    message: z.string(),
    data,
    error: z.null(),
    meta,
  });
}

component('NotificationStatus', notificationStatusSchema);

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

component(
  'ErrorEnvelope',
  z
    .object({
      success: z.literal(false),
      message: z.string().describe('The same text as `error.message`.'),
      data: z.null(),
      error: errorObject,
      meta: z.null(),
    })
    .describe('Every failure (4xx and 5xx) has this shape.'),
);

// `replayed` is not in the body: the route sends it as the `Idempotent-Replayed` header.
const acceptResult = component('AcceptResult', acceptResultSchema.omit({ replayed: true }));
component('Notification', notificationViewSchema);
component('PageMeta', pageMetaSchema);
component('HealthCheck', healthCheckSchema);
component('HealthReport', healthReportSchema);

component('AcceptedEnvelope', success(acceptResult, z.null()));
component('NotificationEnvelope', success(notificationViewSchema, z.null()));
component('NotificationListEnvelope', success(listOutputSchema.shape.items, listOutputSchema.shape.meta));
component('HealthEnvelope', success(healthReportSchema, z.null()));
component(
  'UnhealthyEnvelope',
  z
    .object({
      success: z.literal(false),
      message: z.string(),
      // Kept on failure, so a monitor sees which check is down.
      data: healthReportSchema,
      error: errorObject,
      meta: z.null(),
    })
    .describe('The one failure that keeps its `data`.'),
);
component(
  'LivenessEnvelope',
  success(z.object({ status: z.literal('alive'), uptime_s: z.int().min(0) }), z.null()),
);
