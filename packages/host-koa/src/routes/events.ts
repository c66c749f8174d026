import type { Router, RouterContext } from '@koa/router';
import type { EmailEngine } from '@notify/email-core';
import { ok, retrieved } from '../envelope.js';
import type { RequestState } from '../state.js';

export interface EventRoutesOptions {
  engine: EmailEngine;
}

type Ctx = RouterContext<RequestState>;

/**
 * Registers the event routes: one notification's timeline, and every event by cursor for clients
 * that poll instead of receiving webhooks. Trailing slashes are optional as on every route. The
 * timeline is `/{request_id}/events/`, two segments under the notifications, so it never meets the
 * `list` route or the `{request_id}` route; `/list/events/` is the timeline of a notification whose
 * id is `list`.
 */
export function registerEventRoutes(router: Router<RequestState>, options: EventRoutesOptions): void {
  const { engine } = options;

  const timeline = async (ctx: Ctx): Promise<void> => {
    const requestId = ctx.params.request_id ?? '';
    ctx.state.log = ctx.state.log.child({ request_id: requestId });
    const events = await engine.getTimeline(requestId);
    // Not paged: the whole timeline, so `meta` is null as on the other single-resource reads.
    ctx.body = ok(retrieved(events.length, 'event'), events);
  };

  const list = async (ctx: Ctx): Promise<void> => {
    // Raw values, repeated ones included: the core validates them (422 VALIDATION_FAILED).
    const { type, since, cursor, limit } = ctx.query;
    const output = await engine.listEvents({ type, since, cursor, limit });
    ctx.body = ok(retrieved(output.items.length, 'event'), output.items, output.meta);
  };

  router.get('/api/v1/notifications/:request_id/events', timeline);
  router.get('/api/v1/events', list);
}
