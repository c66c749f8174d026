import { DEFAULT_BULK_REPLAY_LIMIT, MAX_BULK_REPLAY_LIMIT, NOTIFICATION_STATUSES } from '@notify/email-core';
import { z } from 'zod';
import { listQueryParameters } from './request-schemas.js';
import { component, isoTime } from './response-schemas.js';

/*
 * The dead-letter routes (routes/dead-letters.ts, docs/dead-letters.md) in the OpenAPI document.
 * Kept apart from document.ts so the two can change independently; document.ts spreads these in.
 */

type Json = Record<string, unknown>;

/** The helpers document.ts builds its own paths with, handed in so both read alike. */
export interface PathHelpers {
  json(description: string, schema: Json, headers?: Json): Json;
  ref(name: string): Json;
  errorRef(name: string): Json;
  apiFailures: Json;
  requestIdParameter: Json;
  bearer: Json[];
  jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json;
}

const errorCode = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/);

/** The status object's fields (the `Notification` component), repeated: output objects are closed. */
const notificationFields = {
  request_id: z.string(),
  task_id: z.uuid(),
  user_id: z.string(),
  to_email: z.string(),
  template_code: z.string(),
  status: z.enum(NOTIFICATION_STATUSES),
  attempts: z.int().min(0),
  error: z.string().nullable(),
  priority: z.int().min(1).max(100),
  metadata: z.record(z.string(), z.unknown()),
  created_at: isoTime,
  updated_at: isoTime,
  delivered_at: isoTime.nullable(),
};

const attempt = component(
  'AttemptEntry',
  z.object({
    attempt: z.int().min(0).describe('1-based within the attempt budget in force; 0 for `replayed`.'),
    at: isoTime,
    outcome: z.enum(['delivered', 'retrying', 'failed', 'deferred', 'replayed']),
    error_code: errorCode.nullable(),
    error: z.string().nullable(),
  }),
  'One attempt, breaker deferral or replay in a notification’s history.',
);

const deadLetterFields = {
  ...notificationFields,
  error_code: errorCode.nullable().describe('Why it failed, e.g. `SMTP_PERMANENT`, `RETRIES_EXHAUSTED`.'),
  failed_at: isoTime.describe('When it became `failed`.'),
};

const deadLetter = component('DeadLetter', z.object(deadLetterFields), 'A `failed` notification.');
const deadLetterDetail = component(
  'DeadLetterDetail',
  z.object({ ...deadLetterFields, correlation_id: z.string(), history: z.array(attempt) }),
  'A dead letter with every attempt, oldest first.',
);
const replayed = component(
  'ReplayedNotification',
  z.object({
    ...notificationFields,
    error_code: errorCode.nullable(),
    correlation_id: z.string(),
    history: z.array(attempt),
  }),
  'The notification as the replay left it: `queued`, `attempts` 0, history ending in `replayed`.',
);

const filter = z
  .strictObject({
    user_id: listQueryParameters.user_id.optional(),
    template_code: listQueryParameters.template_code.optional(),
    error_code: errorCode.optional().describe('Only dead letters that failed with this code.'),
  })
  .describe('All given fields must match; unknown fields are refused (422), never ignored.');

export const bulkReplayRequest = z.strictObject({
  filter: filter.optional(),
  limit: z
    .int()
    .min(1)
    .max(MAX_BULK_REPLAY_LIMIT)
    .default(DEFAULT_BULK_REPLAY_LIMIT)
    .describe('At most this many are replayed, newest failure first.'),
});

const bulkResult = component(
  'BulkReplayResult',
  z.object({
    matched: z.int().min(0).describe('Dead letters matching the filter when the replay started.'),
    selected: z.int().min(0),
    replayed: z.int().min(0),
    skipped: z.int().min(0).describe('No longer failed when their turn came.'),
    failed: z.int().min(0).describe('Could not be replayed; still dead letters, listed in `errors`.'),
    remaining: z.int().min(0).describe('`matched - replayed`.'),
    limit: z.int().min(1),
    filter: z.object({
      user_id: z.string().optional(),
      template_code: z.string().optional(),
      error_code: z.string().optional(),
    }),
    request_ids: z.array(z.string()),
    errors: z.array(z.object({ request_id: z.string(), code: z.string(), message: z.string() })),
  }),
);

const pageMeta = z.object({
  total: z.int().min(0),
  limit: z.int().min(1),
  page: z.int().min(1),
  total_pages: z.int().min(0),
  has_next: z.boolean(),
  has_previous: z.boolean(),
});

function envelope<D extends z.ZodType, M extends z.ZodType>(data: D, meta: M) {
  return z.object({ success: z.literal(true), message: z.string(), data, error: z.null(), meta });
}

component(
  'DeadLetterListEnvelope',
  envelope(z.array(deadLetter).describe('Newest failure first.'), pageMeta),
);
component('DeadLetterEnvelope', envelope(deadLetterDetail, z.null()));
component('ReplayedEnvelope', envelope(replayed, z.null()));
component('BulkReplayEnvelope', envelope(bulkResult, z.null()));

/** The `paths` entries of the dead-letter routes. */
export function deadLetterPaths(h: PathHelpers): Record<string, Json> {
  const tags = ['dead-letters'];
  const query = (name: string, schema: z.ZodType, description?: string): Json => ({
    name,
    in: 'query',
    required: false,
    description: description ?? schema.description,
    schema: h.jsonSchema(schema, 'input'),
  });
  const notReplayable = h.json('`NOT_REPLAYABLE`: the notification is not `failed`.', h.ref('ErrorEnvelope'));
  return {
    '/api/v1/dead-letters/': {
      get: {
        operationId: 'listDeadLetters',
        summary: 'List dead letters (failed notifications)',
        tags,
        security: h.bearer,
        description:
          'Newest failure first. The store is the source of truth; `failed.queue` carries the same events for consumers outside the service. The message is `Retrieved N dead letters`.',
        parameters: [
          query('user_id', listQueryParameters.user_id),
          query('template_code', listQueryParameters.template_code),
          query(
            'error_code',
            errorCode,
            'Only dead letters that failed with this code, e.g. `SMTP_PERMANENT`.',
          ),
          query('limit', listQueryParameters.limit),
          query('page', listQueryParameters.page),
        ],
        responses: {
          '200': h.json('A page of dead letters, with `meta`.', h.ref('DeadLetterListEnvelope')),
          '422': h.errorRef('ValidationFailed'),
          ...h.apiFailures,
        },
      },
    },
    '/api/v1/dead-letters/replay/': {
      post: {
        operationId: 'replayDeadLetters',
        summary: 'Replay many dead letters',
        tags,
        security: h.bearer,
        description:
          'Each one as the single replay does. No body means no filter and the default limit. Safe to repeat: what was replayed is no longer a dead letter.',
        requestBody: {
          required: false,
          content: { 'application/json': { schema: h.jsonSchema(bulkReplayRequest, 'input') } },
        },
        responses: {
          '200': h.json('What was replayed, skipped and failed.', h.ref('BulkReplayEnvelope')),
          '400': h.json('`MALFORMED_JSON`.', h.ref('ErrorEnvelope')),
          '413': h.json('`PAYLOAD_TOO_LARGE`.', h.ref('ErrorEnvelope')),
          '415': h.json('`UNSUPPORTED_MEDIA_TYPE`: a body that is not JSON.', h.ref('ErrorEnvelope')),
          '422': h.errorRef('ValidationFailed'),
          ...h.apiFailures,
        },
      },
    },
    '/api/v1/dead-letters/{request_id}/': {
      get: {
        operationId: 'getDeadLetter',
        summary: 'Inspect a dead letter and its history',
        tags,
        security: h.bearer,
        parameters: [h.requestIdParameter],
        responses: {
          '200': h.json('The dead letter with every attempt.', h.ref('DeadLetterEnvelope')),
          '404': h.json('`NOT_FOUND`: unknown, or not `failed`.', h.ref('ErrorEnvelope')),
          ...h.apiFailures,
        },
      },
    },
    '/api/v1/dead-letters/{request_id}/replay/': {
      post: {
        operationId: 'replayDeadLetter',
        summary: 'Replay one dead letter with a fresh attempt budget',
        tags,
        security: h.bearer,
        description: '`failed` → `queued`, `attempts` 0, the history kept with a `replayed` entry. No body.',
        parameters: [h.requestIdParameter],
        responses: {
          '202': h.json('Re-queued.', h.ref('ReplayedEnvelope'), {
            Location: { description: 'The status route of this notification.', schema: { type: 'string' } },
          }),
          '404': h.errorRef('NotFound'),
          '409': notReplayable,
          ...h.apiFailures,
        },
      },
    },
  };
}
