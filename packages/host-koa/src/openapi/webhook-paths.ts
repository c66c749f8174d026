import {
  createWebhookSchema,
  listQuerySchema,
  updateWebhookSchema,
  webhookListOutputSchema,
  webhookViewSchema,
  webhookWithSecretViewSchema,
} from '@notify/email-core';
import { z } from 'zod';
import type { PathHelpers } from './dead-letter-paths.js';
import { type Json, jsonSchema, queryParameters } from './json-schema.js';
import { component, success } from './response-schemas.js';

/*
 * The webhook endpoint routes (routes/webhooks.ts) in the OpenAPI document, spread into
 * document.ts as the dead-letter and event paths are. The views are the core's
 * (packages/core/src/application/webhook-views.ts), and so are the bodies
 * (packages/core/src/validation/webhook-schema.ts) and the paging query (`limit` and `page` of
 * packages/core/src/validation/list-query.ts).
 */

const webhook = component('Webhook', webhookViewSchema);
const withSecret = component('WebhookWithSecret', webhookWithSecretViewSchema);

component(
  'WebhookListEnvelope',
  success(webhookListOutputSchema.shape.items, webhookListOutputSchema.shape.meta),
);
component('WebhookEnvelope', success(webhook, z.null()));
component('WebhookWithSecretEnvelope', success(withSecret, z.null()));
component('WebhookDeletedEnvelope', success(z.null(), z.null()));

/** `limit` and `page`, the only parameters of the list. */
const pagingQuerySchema = listQuerySchema.pick({ limit: true, page: true });

/** The `paths` entries of the webhook routes. */
export function webhookPaths(h: PathHelpers): Record<string, Json> {
  const tags = ['webhooks'];
  const idParameter: Json = {
    name: 'id',
    in: 'path',
    required: true,
    description: 'The webhook’s `id` (`wh_…`), path-encoded.',
    schema: { type: 'string', minLength: 1 },
  };
  const notFound = h.json('`NOT_FOUND`: no webhook with this `id`.', h.ref('ErrorEnvelope'));
  const jsonBody = (schema: Json, description: string): Json => ({
    required: true,
    description,
    content: { 'application/json': { schema } },
  });
  const bodyFailures = {
    '400': h.json('`MALFORMED_JSON`: the body is not valid UTF-8 JSON, or empty.', h.ref('ErrorEnvelope')),
    '413': h.json('`PAYLOAD_TOO_LARGE`: the body exceeds the limit.', h.ref('ErrorEnvelope')),
    '415': h.json(
      '`UNSUPPORTED_MEDIA_TYPE`: not `application/json` in UTF-8, or a `Content-Encoding` was sent.',
      h.ref('ErrorEnvelope'),
    ),
    '422': h.json(
      '`VALIDATION_FAILED` with one `details` entry per bad field (an unknown field is one, at its name; an unknown event type is at `events.N`), or `WEBHOOK_URL_FORBIDDEN` (detail at `url`): the URL’s host is or resolves to a private, loopback or otherwise internal address.',
      h.ref('ErrorEnvelope'),
    ),
  };
  const noGuard =
    ' An engine built without a `WebhookUrlGuard` cannot check URLs and answers 500 `INTERNAL` (the logged error is `CONFIG_INVALID`).';
  return {
    '/api/v1/webhooks/': {
      post: {
        operationId: 'createWebhook',
        summary: 'Create a webhook endpoint',
        tags,
        security: h.bearer,
        description: `Validates the body, checks the URL against the SSRF guard, stores the endpoint (enabled). The answer is the only one that shows the signing \`secret\`; every later one shows \`secret_hint\`.${noGuard}`,
        requestBody: jsonBody(
          jsonSchema(createWebhookSchema, 'input'),
          'JSON (`application/json`, UTF-8, no `Content-Encoding`), at most 256 KiB by default. Unknown fields are refused.',
        ),
        responses: {
          '201': h.json(
            'Created; `data` carries the secret, shown only now.',
            h.ref('WebhookWithSecretEnvelope'),
            {
              Location: { description: 'The route of this webhook.', schema: { type: 'string' } },
            },
          ),
          ...bodyFailures,
          ...h.apiFailures,
        },
      },
      get: {
        operationId: 'listWebhooks',
        summary: 'List webhook endpoints',
        tags,
        security: h.bearer,
        description:
          'Newest first, paged like the notification list. Bad parameter values are 422 `VALIDATION_FAILED`; a page past the end is 200 with an empty array. The message is `Retrieved N webhooks`, N the items on this page.',
        parameters: queryParameters(pagingQuerySchema),
        responses: {
          '200': h.json('A page of webhooks, with `meta`.', h.ref('WebhookListEnvelope')),
          '422': h.errorRef('ValidationFailed'),
          ...h.apiFailures,
        },
      },
    },
    '/api/v1/webhooks/{id}/': {
      get: {
        operationId: 'getWebhook',
        summary: 'A webhook endpoint',
        tags,
        security: h.bearer,
        parameters: [idParameter],
        responses: {
          '200': h.json('The webhook, with `secret_hint` (never the secret).', h.ref('WebhookEnvelope')),
          '404': notFound,
          ...h.apiFailures,
        },
      },
      patch: {
        operationId: 'updateWebhook',
        summary: 'Change a webhook endpoint',
        tags,
        security: h.bearer,
        description: `Changes the fields sent (\`url\`, \`events\`, \`description\`, \`enabled\`); the others stay. A new \`url\` is checked against the SSRF guard again.${noGuard}`,
        parameters: [idParameter],
        requestBody: jsonBody(
          jsonSchema(updateWebhookSchema, 'input'),
          'JSON (`application/json`, UTF-8, no `Content-Encoding`), at most 256 KiB by default. Unknown fields are refused.',
        ),
        responses: {
          '200': h.json('The webhook as stored now.', h.ref('WebhookEnvelope')),
          ...bodyFailures,
          '404': notFound,
          ...h.apiFailures,
        },
      },
      delete: {
        operationId: 'deleteWebhook',
        summary: 'Delete a webhook endpoint',
        tags,
        security: h.bearer,
        description:
          '200 with `data` null (not 204: every answer is the envelope). The message is `Webhook deleted`.',
        parameters: [idParameter],
        responses: {
          '200': h.json('Deleted.', h.ref('WebhookDeletedEnvelope')),
          '404': notFound,
          ...h.apiFailures,
        },
      },
    },
    '/api/v1/webhooks/{id}/rotate-secret/': {
      post: {
        operationId: 'rotateWebhookSecret',
        summary: 'Give a webhook endpoint a new signing secret',
        tags,
        security: h.bearer,
        description:
          'No body. The answer shows the new `secret`, only now; the previous secret keeps signing (second in `webhook-signature`) for 24 hours, so a receiver can switch without dropping a delivery.',
        parameters: [idParameter],
        responses: {
          '200': h.json('The webhook with its new secret.', h.ref('WebhookWithSecretEnvelope')),
          '404': notFound,
          ...h.apiFailures,
        },
      },
    },
  };
}
