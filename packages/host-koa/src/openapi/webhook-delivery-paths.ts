import {
  deliveryDetailViewSchema,
  deliveryListOutputSchema,
  deliveryQuerySchema,
  deliveryViewSchema,
  recoverBodySchema,
} from '@notify/email-core';
import { z } from 'zod';
import type { PathHelpers } from './dead-letter-paths.js';
import { type Json, jsonSchema, queryParameters } from './json-schema.js';
import { component, success } from './response-schemas.js';

/*
 * The test event and the delivery log of a webhook endpoint (routes/webhooks.ts) in the OpenAPI
 * document. The views are the core's (packages/core/src/application/delivery-views.ts), and so
 * are the query and the recovery body (packages/core/src/validation/delivery-query.ts).
 */

const delivery = component('WebhookDelivery', deliveryViewSchema);
const detail = component('WebhookDeliveryDetail', deliveryDetailViewSchema);
component(
  'WebhookDeliveryListEnvelope',
  success(deliveryListOutputSchema.shape.items, deliveryListOutputSchema.shape.meta),
);
component('WebhookDeliveryEnvelope', success(delivery, z.null()));
component('WebhookDeliveryDetailEnvelope', success(detail, z.null()));
component(
  'WebhookRecoveryEnvelope',
  success(z.object({ recovered: z.int(), since: z.iso.datetime() }), z.null()),
);

/** The `paths` entries of the test and delivery routes. */
export function webhookDeliveryPaths(h: PathHelpers): Record<string, Json> {
  const tags = ['webhooks'];
  const id: Json = {
    name: 'id',
    in: 'path',
    required: true,
    description: 'The webhook’s `id` (`wh_…`), path-encoded.',
    schema: { type: 'string', minLength: 1 },
  };
  const deliveryId: Json = {
    name: 'delivery_id',
    in: 'path',
    required: true,
    description: 'The delivery’s `id` (`whd_…`).',
    schema: { type: 'string', minLength: 1 },
  };
  const notFound = (what: string) => h.json(`\`NOT_FOUND\`: ${what}.`, h.ref('ErrorEnvelope'));
  return {
    '/api/v1/webhooks/{id}/test/': {
      post: {
        operationId: 'testWebhook',
        summary: 'Send a webhook.test event to this endpoint',
        tags,
        security: h.bearer,
        description:
          'No body. Queues a `webhook.test` event for this endpoint alone, whatever it subscribes to, sent at once by a worker, signed and retried like every delivery. Follow it in the delivery log.',
        parameters: [id],
        responses: {
          '202': h.json('Queued; the delivery.', h.ref('WebhookDeliveryEnvelope')),
          '404': notFound('no webhook with this `id`'),
          ...h.apiFailures,
        },
      },
    },
    '/api/v1/webhooks/{id}/deliveries/': {
      get: {
        operationId: 'listWebhookDeliveries',
        summary: 'The delivery log of a webhook endpoint',
        tags,
        security: h.bearer,
        description:
          'Newest first, paged. Bad parameter values are 422 `VALIDATION_FAILED`. The message is `Retrieved N deliveries`.',
        parameters: [id, ...(queryParameters(deliveryQuerySchema) as Json[])],
        responses: {
          '200': h.json('A page of deliveries, with `meta`.', h.ref('WebhookDeliveryListEnvelope')),
          '404': notFound('no webhook with this `id`'),
          '422': h.errorRef('ValidationFailed'),
          ...h.apiFailures,
        },
      },
    },
    '/api/v1/webhooks/{id}/deliveries/{delivery_id}/': {
      get: {
        operationId: 'getWebhookDelivery',
        summary: 'One delivery, with every attempt',
        tags,
        security: h.bearer,
        parameters: [id, deliveryId],
        responses: {
          '200': h.json('The delivery and its `attempt_log`.', h.ref('WebhookDeliveryDetailEnvelope')),
          '404': notFound('no such delivery of this webhook'),
          ...h.apiFailures,
        },
      },
    },
    '/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry/': {
      post: {
        operationId: 'retryWebhookDelivery',
        summary: 'Send one delivery again now',
        tags,
        security: h.bearer,
        description:
          'No body. Whatever its status, the delivery is pending and due now; the same `webhook-id` is sent.',
        parameters: [id, deliveryId],
        responses: {
          '202': h.json('Queued again; the delivery.', h.ref('WebhookDeliveryEnvelope')),
          '404': notFound('no such delivery of this webhook'),
          ...h.apiFailures,
        },
      },
    },
    '/api/v1/webhooks/{id}/recover/': {
      post: {
        operationId: 'recoverWebhookDeliveries',
        summary: 'Send every failed delivery since a time again',
        tags,
        security: h.bearer,
        requestBody: {
          required: true,
          description: 'JSON: `{ "since": "<ISO-8601 time>" }`.',
          content: { 'application/json': { schema: jsonSchema(recoverBodySchema, 'input') } },
        },
        responses: {
          '202': h.json('How many were queued again.', h.ref('WebhookRecoveryEnvelope')),
          '404': notFound('no webhook with this `id`'),
          '422': h.errorRef('ValidationFailed'),
          ...h.apiFailures,
        },
      },
    },
  };
}
