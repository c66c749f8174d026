import { Router } from '@koa/router';
import type { Logger } from '@notify/email-core';
import { type EmailEngine, NotifyError, type RateLimiter } from '@notify/email-core';
import Koa from 'koa';
import { createKeyChecker } from './auth.js';
import { logConnectionError } from './client-error.js';
import { DEFAULT_BODY_LIMIT_BYTES } from './json-body.js';
import { registerOpenApiRoute } from './openapi/index.js';
import { requestContext } from './request-context.js';
import { registerDeadLetterRoutes } from './routes/dead-letters.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerNotificationRoutes } from './routes/notifications.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import type { RequestState } from './state.js';

export interface AppOptions {
  /** The use cases; the app calls nothing else. */
  engine: EmailEngine;
  /** Root logger; each request logs through a child bound to its `correlation_id`. */
  logger: Logger;
  /** When non-empty, every `/api/` route needs `Authorization: Bearer <one of these>`; health never does. */
  apiKeys?: string[] | undefined;
  /** When given, POST /api/v1/notifications/ is limited per `user_id` (see rate-limit.ts). */
  rateLimiter?: RateLimiter | undefined;
  /** Largest accepted request body; default 256 KiB. */
  bodyLimitBytes?: number | undefined;
}

/** Builds the HTTP API (docs/api.md) as a Koa application; `startHttpServer` serves it. */
export function createApp(options: AppOptions): Koa {
  if (typeof options?.engine?.acceptNotification !== 'function') {
    throw new NotifyError('CONFIG_INVALID', 'createApp: engine is required (an EmailEngine)');
  }
  if (typeof options.logger?.child !== 'function') {
    throw new NotifyError(
      'CONFIG_INVALID',
      'createApp: logger is required (a Logger: pino, or any object with debug/info/warn/error/child)',
    );
  }
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes < 1) {
    throw new NotifyError(
      'CONFIG_INVALID',
      `createApp: bodyLimitBytes must be a positive integer, got ${bodyLimitBytes}`,
    );
  }
  const apiKeys = options.apiKeys ?? [];
  if (!Array.isArray(apiKeys) || apiKeys.some((key) => typeof key !== 'string' || !/^\S+$/.test(key))) {
    throw new NotifyError(
      'CONFIG_INVALID',
      'createApp: apiKeys must be non-empty strings without whitespace',
    );
  }

  const app = new Koa<RequestState>();
  // Every error is answered and logged by requestContext; this only sees socket-level failures.
  app.on('error', logConnectionError(options.logger));

  const router = new Router<RequestState>();
  registerHealthRoutes(router, options.engine);
  registerOpenApiRoute(router);
  registerNotificationRoutes(router, {
    engine: options.engine,
    rateLimiter: options.rateLimiter,
    bodyLimitBytes,
  });
  registerDeadLetterRoutes(router, { engine: options.engine, bodyLimitBytes });
  registerEventRoutes(router, { engine: options.engine });
  registerWebhookRoutes(router, { engine: options.engine, bodyLimitBytes });

  app.use(requestContext(options.logger));
  if (apiKeys.length > 0) {
    const check = createKeyChecker(apiKeys);
    app.use(async (ctx, next) => {
      // Lower-cased because the router matches paths case-insensitively: /API/ must not slip past.
      const path = ctx.path.toLowerCase();
      if (path === '/api' || path.startsWith('/api/')) {
        try {
          check(ctx.get('Authorization') || undefined);
        } catch (error) {
          ctx.set('WWW-Authenticate', 'Bearer');
          throw error;
        }
      }
      await next();
    });
  }
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app as unknown as Koa;
}
