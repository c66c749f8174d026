import { acceptBodySchema, listQuerySchema, requestIdSchema } from '@notify/email-core';
import { deadLetterPaths } from './dead-letter-paths.js';
import { eventPaths } from './event-paths.js';
import { componentSchemas, type Json, jsonSchema, queryParameters, SCHEMAS } from './json-schema.js';
import { acceptRequestExample } from './request-example.js';
import { webhookDeliveryPaths } from './webhook-delivery-paths.js';
import { webhookPaths } from './webhook-paths.js';

const ref = (name: string): Json => ({ $ref: `${SCHEMAS}${name}` });

/** The components: the registered responses, and the accept body (an input schema, so apart). */
function schemas(): Record<string, Json> {
  return { ...componentSchemas(), AcceptRequest: jsonSchema(acceptBodySchema, 'input') };
}

const header = (description: string, schema: Json = { type: 'string' }): Json => ({ description, schema });

const X_REQUEST_ID = header(
  'Echo of the request’s `X-Request-ID` when it is 1 to 200 printable ASCII characters, else a generated UUID; the correlation id in the logs.',
);
const commonHeaders = {
  'X-Request-ID': { $ref: '#/components/headers/X-Request-ID' },
  'Cache-Control': { $ref: '#/components/headers/Cache-Control' },
};

/** A JSON response whose body is `schema`. */
function json(description: string, schema: Json, headers: Json = {}): Json {
  return {
    description,
    headers: { ...commonHeaders, ...headers },
    content: { 'application/json': { schema } },
  };
}

/** The failures any `/api/` route can answer, as reusable responses. */
const errorResponses: Record<string, Json> = {
  Unauthorized: json(
    '`UNAUTHORIZED`: API keys are configured and the `Authorization: Bearer` key is missing or wrong.',
    ref('ErrorEnvelope'),
    { 'WWW-Authenticate': header('`Bearer`.') },
  ),
  NotFound: json(
    '`NOT_FOUND`: no notification with this `request_id` (or no such route).',
    ref('ErrorEnvelope'),
  ),
  ValidationFailed: json(
    '`VALIDATION_FAILED` with one `details` entry per bad field (`path` dotted, e.g. `variables.email`).',
    ref('ErrorEnvelope'),
  ),
  Internal: json(
    '`INTERNAL`: a generic message; the real error is logged with the request’s id.',
    ref('ErrorEnvelope'),
  ),
  Unavailable: json(
    '`UNAVAILABLE`: a dependency (the store) is down; nothing was changed. Retry after `Retry-After` seconds.',
    ref('ErrorEnvelope'),
    { 'Retry-After': header('Seconds to wait.', { type: 'integer', minimum: 1 }) },
  ),
};
const errorRef = (name: string): Json => ({ $ref: `#/components/responses/${name}` });
const apiFailures = {
  '401': errorRef('Unauthorized'),
  '500': errorRef('Internal'),
  '503': errorRef('Unavailable'),
};

const rateLimitHeaders = {
  'RateLimit-Limit': header('Bucket size (burst).', { type: 'integer' }),
  'RateLimit-Remaining': header('Requests left in the bucket.', { type: 'integer' }),
  'RateLimit-Reset': header('Seconds until the bucket is full again.', { type: 'integer' }),
};

const requestIdParameter: Json = {
  name: 'request_id',
  in: 'path',
  required: true,
  description: 'The notification’s `request_id`, path-encoded.',
  schema: jsonSchema(requestIdSchema, 'input'),
};

/** Bearer auth, or none: the key is needed only when the service has API keys configured. */
const bearer = [{ bearerAuth: [] }, {}];

function listOperation(operationId: string, summary: string): Json {
  return {
    operationId,
    summary,
    tags: ['notifications'],
    security: bearer,
    description:
      'Newest first. Bad parameter values are 422 `VALIDATION_FAILED` (never 500); a page past the end is 200 with an empty array. The message is `Retrieved N notifications`, N the items on this page.',
    parameters: queryParameters(listQuerySchema),
    responses: {
      '200': json('A page of notifications, with `meta`.', ref('NotificationListEnvelope')),
      '422': errorRef('ValidationFailed'),
      ...apiFailures,
    },
  };
}

/**
 * The OpenAPI 3.1 document of the HTTP API, as served at `GET /openapi.json`. The request schemas
 * and the views are generated from the core's zod schemas, the envelopes are response-schemas.ts's
 * (docs/openapi.md); paths are written with their trailing slash, and every route also answers
 * without it.
 */
export function createOpenApiDocument(version: string): Json {
  const helpers = { json, ref, errorRef, apiFailures, requestIdParameter, bearer };
  return {
    openapi: '3.1.0',
    info: {
      title: 'notify-email HTTP API',
      version,
      summary:
        'Accept email notifications, read their status and events, manage webhook endpoints, and check the service’s health.',
      description:
        'Every response except this document is JSON in one envelope `{ success, message, data, error, meta }`. ' +
        'Every path also answers without its trailing slash. A method a path does not support is 405 ' +
        '`METHOD_NOT_ALLOWED` with an `Allow` header; an unknown path is 404 `NOT_FOUND`; `OPTIONS` lists ' +
        'the allowed methods. Every response carries `X-Request-ID` and `Cache-Control: no-store`. ' +
        'See docs/api.md for the decisions behind the contract.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'notifications', description: 'Accept notifications and follow them to delivery.' },
      {
        name: 'dead-letters',
        description: 'Failed notifications: list, inspect, replay (docs/dead-letters.md).',
      },
      {
        name: 'events',
        description: 'What happened to the notifications: one timeline, or every event by cursor.',
      },
      {
        name: 'webhooks',
        description:
          'Webhook endpoints: the receivers of events, each with a signing secret shown only on create and rotate.',
      },
      { name: 'health', description: 'Readiness and liveness; never need an API key, never rate limited.' },
      { name: 'meta', description: 'This document.' },
    ],
    paths: {
      '/api/v1/notifications/': {
        post: {
          operationId: 'acceptNotification',
          summary: 'Accept a notification',
          tags: ['notifications'],
          security: bearer,
          description:
            '202 once the notification is durably stored; from then on it is never lost. A replay (same `request_id`, ' +
            'same payload after validation, key order ignored) answers the same 202 with the current status and ' +
            '`Idempotent-Replayed: true`, and sends nothing again. Rate limited per `user_id`.',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Carries the `request_id` instead of the body; both present and different → 422.',
              schema: jsonSchema(requestIdSchema, 'input'),
            },
            {
              name: 'X-Request-ID',
              in: 'header',
              required: false,
              description:
                'Correlation id; echoed, and followed into the logs, the queue and the email headers.',
              schema: { type: 'string', maxLength: 200 },
            },
          ],
          requestBody: {
            required: true,
            description:
              'JSON (`application/json`, UTF-8, no `Content-Encoding`), at most 256 KiB by default.',
            content: {
              'application/json': { schema: ref('AcceptRequest'), example: acceptRequestExample },
            },
          },
          responses: {
            '202': json('Accepted and durably stored (or an idempotent replay).', ref('AcceptedEnvelope'), {
              Location: header('The status route of this notification.'),
              'Idempotent-Replayed': header('`true` on a replay; absent otherwise.', {
                type: 'string',
                const: 'true',
              }),
              ...rateLimitHeaders,
            }),
            '400': json(
              '`MALFORMED_JSON`: the body is not valid UTF-8 JSON, or empty.',
              ref('ErrorEnvelope'),
            ),
            '413': json('`PAYLOAD_TOO_LARGE`: the body exceeds the limit.', ref('ErrorEnvelope')),
            '415': json(
              '`UNSUPPORTED_MEDIA_TYPE`: not `application/json` in UTF-8, or a `Content-Encoding` was sent.',
              ref('ErrorEnvelope'),
            ),
            '422': json(
              '`VALIDATION_FAILED` (with `details`), `UNSUPPORTED_NOTIFICATION_TYPE`, or `IDEMPOTENCY_KEY_REUSED` (same `request_id`, different payload).',
              ref('ErrorEnvelope'),
            ),
            '429': json('`RATE_LIMITED`: too many for this `user_id`.', ref('ErrorEnvelope'), {
              'Retry-After': header('Seconds to wait.', { type: 'integer', minimum: 1 }),
              ...rateLimitHeaders,
            }),
            ...apiFailures,
          },
        },
        get: listOperation('listNotificationsAtRoot', 'List notifications (same as /list/)'),
      },
      '/api/v1/notifications/list/': {
        get: listOperation('listNotifications', 'List notifications'),
      },
      '/api/v1/notifications/{request_id}/': {
        get: {
          operationId: 'getNotification',
          summary: 'A notification’s status',
          tags: ['notifications'],
          security: bearer,
          description: 'Known from the moment of the 202.',
          parameters: [requestIdParameter],
          responses: {
            '200': json('The notification.', ref('NotificationEnvelope')),
            '404': errorRef('NotFound'),
            ...apiFailures,
          },
        },
      },
      '/api/v1/notifications/{request_id}/retry/': {
        post: {
          operationId: 'retryNotification',
          summary: 'Give a failed notification a fresh attempt budget',
          tags: ['notifications'],
          security: bearer,
          description:
            '`failed` → `queued` with `attempts` reset to 0; the history is kept. No request body. Only a `failed` notification can be retried.',
          parameters: [requestIdParameter],
          responses: {
            '202': json('Re-queued; `data` is the notification as stored.', ref('NotificationEnvelope'), {
              Location: header('The status route of this notification.'),
            }),
            '404': errorRef('NotFound'),
            '409': json('`NOT_REPLAYABLE`: the notification is not `failed`.', ref('ErrorEnvelope')),
            ...apiFailures,
          },
        },
      },
      ...deadLetterPaths(helpers),
      ...eventPaths(helpers),
      ...webhookPaths(helpers),
      ...webhookDeliveryPaths(helpers),
      '/health/': {
        get: {
          operationId: 'health',
          summary: 'Readiness: can the service do its job?',
          tags: ['health'],
          responses: {
            '200': json(
              'Healthy (an open SMTP circuit is `degraded` and still healthy).',
              ref('HealthEnvelope'),
            ),
            '503': json(
              'Unhealthy: the store or the queue is down; `data` keeps the checks.',
              ref('UnhealthyEnvelope'),
              {
                'Retry-After': header('Seconds to wait.', { type: 'integer', minimum: 1 }),
              },
            ),
          },
        },
      },
      '/health/live': {
        get: {
          operationId: 'liveness',
          summary: 'Liveness: the process answers',
          tags: ['health'],
          responses: { '200': json('Alive.', ref('LivenessEnvelope')) },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openApiDocument',
          summary: 'This document',
          tags: ['meta'],
          description: 'The bare OpenAPI document (not in the envelope), so that tools read it as it is.',
          responses: {
            '200': {
              description: 'The OpenAPI 3.1 document.',
              headers: commonHeaders,
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
    },
    components: {
      schemas: schemas(),
      responses: errorResponses,
      headers: {
        'X-Request-ID': X_REQUEST_ID,
        'Cache-Control': header('Always `no-store`.'),
      },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'Needed on every `/api/` route when the service is configured with `API_KEYS`; without keys the API is open. Health routes and this document never need it.',
        },
      },
    },
  };
}
