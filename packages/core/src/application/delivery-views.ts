import { z } from 'zod';
import { DELIVERY_STATUSES, type DeliveryAttempt, type WebhookDelivery } from '../domain/webhook-delivery.js';
import { isoTimeSchema, pageMetaSchema } from './views.js';

export const deliveryViewSchema = z
  .object({
    id: z.string().describe('`whd_…`, opaque.'),
    event_id: z.string().describe('The `webhook-id` of every attempt: dedupe on it.'),
    event_type: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.int().describe('Attempts made so far.'),
    next_attempt_at: isoTimeSchema.nullable().describe('When a pending delivery is due; null once final.'),
    last_response_status: z
      .int()
      .nullable()
      .describe('The HTTP status of the last attempt; null when none came.'),
    last_error: z.string().nullable(),
    last_duration_ms: z.int().nullable(),
    created_at: isoTimeSchema,
    updated_at: isoTimeSchema,
  })
  .describe('One (endpoint, event) delivery of the webhook outbox.');
export type DeliveryView = z.output<typeof deliveryViewSchema>;

export const deliveryAttemptViewSchema = z.object({
  attempt: z.int(),
  at: isoTimeSchema,
  response_status: z.int().nullable(),
  duration_ms: z.int(),
  error: z.string().nullable(),
});

export const deliveryDetailViewSchema = deliveryViewSchema
  .extend({ attempt_log: z.array(deliveryAttemptViewSchema).describe('Every attempt, first first.') })
  .describe('A delivery with every attempt made.');
export type DeliveryDetailView = z.output<typeof deliveryDetailViewSchema>;

export const deliveryListOutputSchema = z.object({
  items: z.array(deliveryViewSchema).describe('Newest first.'),
  meta: pageMetaSchema,
});
export type DeliveryListOutput = z.output<typeof deliveryListOutputSchema>;

export function toDeliveryView(delivery: WebhookDelivery): DeliveryView {
  return {
    id: delivery.id,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: delivery.nextAttemptAt?.toISOString() ?? null,
    last_response_status: delivery.lastResponseStatus,
    last_error: delivery.lastError,
    last_duration_ms: delivery.lastDurationMs,
    created_at: delivery.createdAt.toISOString(),
    updated_at: delivery.updatedAt.toISOString(),
  };
}

export function toDeliveryDetailView(
  delivery: WebhookDelivery,
  attempts: DeliveryAttempt[],
): DeliveryDetailView {
  return {
    ...toDeliveryView(delivery),
    attempt_log: attempts.map((a) => ({
      attempt: a.attempt,
      at: a.at.toISOString(),
      response_status: a.responseStatus,
      duration_ms: a.durationMs,
      error: a.error,
    })),
  };
}
