import type { Router, RouterContext } from '@koa/router';
import type { BulkReplayCommand, EmailEngine } from '@notify/email-core';
import { ok, retrieved } from '../envelope.js';
import { assertJsonContentType, parseJson, readRawBody } from '../json-body.js';
import type { RequestState } from '../state.js';
import { statusPath } from './notifications.js';

export interface DeadLetterRoutesOptions {
  engine: EmailEngine;
  bodyLimitBytes: number;
}

type Ctx = RouterContext<RequestState>;

const BASE = '/api/v1/dead-letters';

/**
 * Registers the dead-letter routes (docs/dead-letters.md): list, inspect, replay one, replay many.
 * Trailing slashes are optional as on every route. The bulk `replay` route is registered before
 * `:request_id`, and the two never collide: bulk is POST `/replay/`, one replay is POST
 * `/{request_id}/replay/`; GET `/replay/` inspects a notification whose id is `replay`.
 */
export function registerDeadLetterRoutes(
  router: Router<RequestState>,
  options: DeadLetterRoutesOptions,
): void {
  const { engine, bodyLimitBytes } = options;

  const list = async (ctx: Ctx): Promise<void> => {
    const { user_id, template_code, error_code, limit, page } = ctx.query;
    const output = await engine.listDeadLetters({ user_id, template_code, error_code, limit, page });
    ctx.body = ok(retrieved(output.items.length, 'dead letter'), output.items, output.meta);
  };

  const inspect = async (ctx: Ctx): Promise<void> => {
    const requestId = ctx.params.request_id ?? '';
    ctx.state.log = ctx.state.log.child({ request_id: requestId });
    ctx.body = ok('Dead letter retrieved', await engine.getDeadLetter(requestId));
  };

  const replayOne = async (ctx: Ctx): Promise<void> => {
    const requestId = ctx.params.request_id ?? '';
    ctx.state.log = ctx.state.log.child({ request_id: requestId });
    const view = await engine.replayDeadLetter(requestId, ctx.state.correlationId);
    ctx.state.log.info({ status: view.status }, 'dead letter replayed');
    ctx.status = 202;
    ctx.set('Location', statusPath(view.request_id));
    ctx.body = ok('Dead letter re-queued for delivery', view);
  };

  const replayMany = async (ctx: Ctx): Promise<void> => {
    const raw = await readRawBody(ctx.req, bodyLimitBytes);
    // No body at all means "no filter, default limit"; a body, when sent, must be JSON.
    let command: unknown = {};
    if (raw.length > 0) {
      assertJsonContentType(ctx.req);
      command = parseJson(raw);
    }
    const result = await engine.replayDeadLetters(command as BulkReplayCommand, ctx.state.correlationId);
    ctx.state.log.info(
      { matched: result.matched, replayed: result.replayed, failed: result.failed },
      'dead letters replayed in bulk',
    );
    ctx.body = ok(`Replayed ${result.replayed} of ${result.matched} dead letters`, result);
  };

  router.get(BASE, list);
  router.post(`${BASE}/replay`, replayMany);
  router.get(`${BASE}/:request_id`, inspect);
  router.post(`${BASE}/:request_id/replay`, replayOne);
}
