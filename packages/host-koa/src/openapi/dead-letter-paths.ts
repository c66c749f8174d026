import {
  attemptViewSchema,
  bulkReplayResultSchema,
  bulkReplaySchema,
  deadLetterDetailViewSchema,
  deadLetterListOutputSchema,
  deadLetterQuerySchema,
  deadLetterViewSchema,
  notificationHistoryViewSchema,
} from '@notify/email-core';
import { z } from 'zod';
import { type Json, jsonSchema, queryParameters } from './json-schema.js';
import { component, success } from './response-schemas.js';

/*
 * The dead-letter routes (routes/dead-letters.ts, docs/dead-letters.md) in the OpenAPI document.
 * Kept apart from document.ts so the two can change independently; document.ts spreads these in.
 * The views are the core's (packages/core/src/application/dead-letter-views.ts), and so are the
 * query and the bulk body (packages/core/src/application/dead-letter-query.ts).
 */

/** The helpers document.ts builds its own paths with, handed in so both read alike. */
export interface PathHelpers {
  json(description: string, schema: Json, headers?: Json): Json;
  ref(name: string): Json;
  errorRef(name: string): Json;
  apiFailures: Json;
  requestIdParameter: Json;
  bearer: Json[];
}

component('AttemptEntry', attemptViewSchema);
component('DeadLetter', deadLetterViewSchema);
const deadLetterDetail = component('DeadLetterDetail', deadLetterDetailViewSchema);
// The view of the replay route's answer in particular, hence the description written here.
const replayed = component(
  'ReplayedNotification',
  notificationHistoryViewSchema.describe(
    'The notification as the replay left it: `queued`, `attempts` 0, history ending in `replayed`.',
  ),
);
const bulkResult = component('BulkReplayResult', bulkReplayResultSchema);

component(
  'DeadLetterListEnvelope',
  success(deadLetterListOutputSchema.shape.items, deadLetterListOutputSchema.shape.meta),
);
component('DeadLetterEnvelope', success(deadLetterDetail, z.null()));
component('ReplayedEnvelope', success(replayed, z.null()));
component('BulkReplayEnvelope', success(bulkResult, z.null()));

/** The `paths` entries of the dead-letter routes. */
export function deadLetterPaths(h: PathHelpers): Record<string, Json> {
  const tags = ['dead-letters'];
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
        parameters: queryParameters(deadLetterQuerySchema),
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
          content: { 'application/json': { schema: jsonSchema(bulkReplaySchema, 'input') } },
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
