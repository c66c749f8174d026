import type { Router, RouterContext } from '@koa/router';
import type { EmailEngine, RateLimiter } from '@notify/email-core';
import { ok, retrieved } from '../envelope.js';
import { readJsonBody } from '../json-body.js';
import { enforceRateLimit, rateLimitKey } from '../rate-limit.js';
import type { RequestState } from '../state.js';

export interface NotificationRoutesOptions {
  engine: EmailEngine;
  rateLimiter?: RateLimiter | undefined;
  bodyLimitBytes: number;
}

type Ctx = RouterContext<RequestState>;

const BASE = '/api/v1/notifications';

/** The location of a notification's status resource; ids are path-encoded so any id round-trips. */
export function statusPath(requestId: string): string {
  return `${BASE}/${pathSegment(requestId)}/`;
}

/**
 * A request_id as one path segment that comes back as itself: `list` (any case) would name the
 * list route, so its first letter is percent-encoded, which the router decodes back into the
 * `:request_id` parameter. (`.` and `..` are refused at validation: no encoding survives URL
 * resolution for them.)
 */
function pathSegment(requestId: string): string {
  const encoded = encodeURIComponent(requestId);
  if (encoded.toLowerCase() !== 'list') return encoded;
  return `%${encoded.charCodeAt(0).toString(16).toUpperCase()}${encoded.slice(1)}`;
}

/**
 * Registers the notification routes. Path-to-regexp treats a trailing slash as optional, so each route
 * answers with and without it. `list` is registered before `:request_id` and does not call `next`, so
 * `/list/` is never looked up as an id.
 */
export function registerNotificationRoutes(
  router: Router<RequestState>,
  options: NotificationRoutesOptions,
): void {
  const { engine, rateLimiter, bodyLimitBytes } = options;

  const accept = async (ctx: Ctx): Promise<void> => {
    const body = await readJsonBody(ctx.req, bodyLimitBytes);
    if (rateLimiter) await enforceRateLimit(rateLimiter, ctx, rateLimitKey(ctx, body), ctx.state.log);
    const idempotencyKey = ctx.get('Idempotency-Key') || undefined;
    // Bind the id the client named before the engine validates it, so even a refusal can be traced.
    const named = (body as { request_id?: unknown } | null)?.request_id ?? idempotencyKey;
    if (typeof named === 'string' && named.length <= 255)
      ctx.state.log = ctx.state.log.child({ request_id: named });
    const result = await engine.acceptNotification({
      body,
      idempotencyKey,
      correlationId: ctx.state.correlationId,
    });
    // One line per accepted request, the access log's (request-context.ts): it carries these too.
    ctx.state.accessLog = result.replayed
      ? { task_id: result.task_id, replayed: true, notification_status: result.status }
      : { task_id: result.task_id, replayed: false };
    ctx.status = 202;
    if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.set('Location', statusPath(result.request_id));
    // A replay changed nothing: say so, rather than claim a queueing that did not happen now.
    const message = result.replayed ? 'Notification already accepted' : 'Notification queued for processing';
    ctx.body = ok(message, {
      request_id: result.request_id,
      task_id: result.task_id,
      status: result.status,
    });
  };

  const list = async (ctx: Ctx): Promise<void> => {
    const { user_id, status, template_code, limit, page } = ctx.query;
    const output = await engine.listNotifications({ user_id, status, template_code, limit, page });
    ctx.body = ok(retrieved(output.items.length, 'notification'), output.items, output.meta);
  };

  const get = async (ctx: Ctx): Promise<void> => {
    const requestId = ctx.params.request_id ?? '';
    ctx.state.log = ctx.state.log.child({ request_id: requestId });
    const view = await engine.getNotification(requestId);
    ctx.body = ok('Notification status retrieved', view);
  };

  const retry = async (ctx: Ctx): Promise<void> => {
    const requestId = ctx.params.request_id ?? '';
    ctx.state.log = ctx.state.log.child({ request_id: requestId });
    const view = await engine.retryFailed(requestId, ctx.state.correlationId);
    ctx.state.log.info({ status: view.status }, 'failed notification re-queued');
    ctx.status = 202;
    ctx.set('Location', statusPath(view.request_id));
    ctx.body = ok('Notification re-queued for delivery', view);
  };

  router.post(BASE, accept);
  router.get(BASE, list);
  router.get(`${BASE}/list`, list);
  router.get(`${BASE}/:request_id`, get);
  router.post(`${BASE}/:request_id/retry`, retry);
}
