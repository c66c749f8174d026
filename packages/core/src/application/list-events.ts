import { NotifyError } from '../domain/errors.js';
import { type EventListQuery, parseEventQuery } from '../validation/event-query.js';
import type { EngineContext } from './engine-context.js';
import { type EventListOutput, type EventView, toEventView } from './event-views.js';
import { guardStore, readNotification } from './store-errors.js';

/** The timeline of one notification, oldest first; NOT_FOUND for an unknown request_id. */
export async function getTimeline(ctx: EngineContext, requestId: string): Promise<EventView[]> {
  const found = await readNotification(ctx.store, requestId);
  if (found === null) {
    throw new NotifyError('NOT_FOUND', `No notification with request_id '${requestId}'`);
  }
  const events = await guardStore('read the events', () => ctx.store.events.timeline(requestId));
  return events.map(toEventView);
}

/** Every event, oldest first, by cursor: for clients that poll instead of receiving webhooks. */
export async function listEvents(ctx: EngineContext, query: EventListQuery): Promise<EventListOutput> {
  const { cursor, ...filter } = parseEventQuery(query);
  const page = await guardStore('list events', () =>
    ctx.store.events.list({ ...filter, ...(cursor === undefined ? {} : { after: cursor }) }),
  );
  return {
    items: page.events.map(toEventView),
    meta: { next_cursor: page.nextCursor, has_more: page.hasMore, limit: filter.limit },
  };
}
