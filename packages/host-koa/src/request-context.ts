import type { Logger } from '@notify/email-core';
import type { Middleware } from 'koa';
import { failure } from './envelope.js';
import { toErrorResponse } from './error-response.js';
import { correlationIdFrom } from './request-id.js';
import type { RequestState } from './state.js';

/**
 * The outermost middleware: gives each request its correlation id and logger, turns every thrown error
 * and every body-less router answer (404, 405, 501, OPTIONS) into the envelope, and writes the access log.
 */
export function requestContext(logger: Logger): Middleware<RequestState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const correlationId = correlationIdFrom(ctx.get('X-Request-ID') || undefined);
    ctx.set('X-Request-ID', correlationId);
    ctx.state.correlationId = correlationId;
    ctx.state.log = logger.child({ correlation_id: correlationId });

    try {
      await next();
      if (ctx.body === undefined || ctx.body === null || ctx.body === '') fillEmptyAnswer(ctx);
    } catch (error) {
      const answer = toErrorResponse(error);
      if (answer.internal) ctx.state.log.error({ err: error }, 'request failed');
      ctx.status = answer.status;
      ctx.set(answer.headers);
      ctx.body = answer.body;
    }
    // Errors are rarely worth caching, and notification statuses change under the client's feet.
    ctx.set('Cache-Control', 'no-store');

    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    ctx.state.log.info(
      {
        ...ctx.state.accessLog,
        method: ctx.method,
        path: ctx.path,
        status: ctx.status,
        duration_ms: Math.round(durationMs * 1000) / 1000,
      },
      'request completed',
    );
  };
}

/** The router answers 404/405/501/OPTIONS with an empty body; the API promises an envelope. */
function fillEmptyAnswer(ctx: Parameters<Middleware<RequestState>>[0]): void {
  const allow = ctx.response.get('Allow');
  if ((ctx.status === 405 || ctx.status === 501) && allow) {
    // 501 is the router's answer to a method it does not know at all; for a known path that is still
    // "not allowed here", and the Allow header says what is.
    ctx.status = 405;
    ctx.body = failure('METHOD_NOT_ALLOWED', `Method ${ctx.method} is not allowed here; allowed: ${allow}`);
  } else if (ctx.method === 'OPTIONS' && allow) {
    ctx.status = 200;
    ctx.body = {
      success: true,
      message: `Allowed methods: ${allow}`,
      data: { allow: allow.split(/,\s*/) },
      error: null,
      meta: null,
    };
  } else if (ctx.status === 404 || ctx.status === 501) {
    ctx.status = 404;
    ctx.remove('Allow');
    ctx.body = failure('NOT_FOUND', `No route for ${ctx.method} ${ctx.path.slice(0, 200)}`);
  }
}
