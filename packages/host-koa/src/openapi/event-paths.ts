import {
  eventListOutputSchema,
  eventPageMetaSchema,
  eventQuerySchema,
  eventTypeSchema,
  eventViewSchema,
} from '@notify/email-core';
import { z } from 'zod';
import type { PathHelpers } from './dead-letter-paths.js';
import { type Json, queryParameters } from './json-schema.js';
import { component, success } from './response-schemas.js';

/*
 * The event routes (routes/events.ts) in the OpenAPI document, spread into document.ts as the
 * dead-letter paths are. The views are the core's (packages/core/src/application/event-views.ts),
 * and so is the query (packages/core/src/validation/event-query.ts).
 */

component('EventType', eventTypeSchema);
component('Event', eventViewSchema);
component('EventPageMeta', eventPageMetaSchema);

component('EventListEnvelope', success(eventListOutputSchema.shape.items, eventListOutputSchema.shape.meta));
// The timeline is the whole of it, not a page: `meta` is null as on the other single-resource reads.
component('TimelineEnvelope', success(eventListOutputSchema.shape.items, z.null()));

/** The `paths` entries of the event routes. */
export function eventPaths(h: PathHelpers): Record<string, Json> {
  const tags = ['events'];
  return {
    '/api/v1/notifications/{request_id}/events/': {
      get: {
        operationId: 'getNotificationTimeline',
        summary: 'A notification’s events, oldest first',
        tags,
        security: h.bearer,
        description:
          'Every event written for this notification, from `notification.accepted` on, each with the status view of the notification at that change. Not paged. The message is `Retrieved N events`.',
        parameters: [h.requestIdParameter],
        responses: {
          '200': h.json('The timeline, oldest first.', h.ref('TimelineEnvelope')),
          '404': h.errorRef('NotFound'),
          ...h.apiFailures,
        },
      },
    },
    '/api/v1/events/': {
      get: {
        operationId: 'listEvents',
        summary: 'Every event, oldest first, by cursor',
        tags,
        security: h.bearer,
        description:
          'For clients that poll instead of receiving webhooks: pass `meta.next_cursor` back as `cursor` to get the events after the page. A cursor this API did not hand out, and any other bad parameter value, is 422 `VALIDATION_FAILED` (never 500). The message is `Retrieved N events`, N the items on this page.',
        parameters: queryParameters(eventQuerySchema),
        responses: {
          '200': h.json('A page of events, with `meta`.', h.ref('EventListEnvelope')),
          '422': h.errorRef('ValidationFailed'),
          ...h.apiFailures,
        },
      },
    },
  };
}
