import type { Router } from '@koa/router';
import type { EmailEngine } from '@notify/email-core';
import { ok } from '../envelope.js';
import type { RequestState } from '../state.js';

/**
 * `/health/` reports whether the service can do its job (503 when a dependency it needs is down; an open
 * SMTP circuit is `degraded`, which the engine still counts as healthy). `/health/live` only says the
 * process answers, for orchestrators that must not restart us because the database is down.
 * Neither needs an API key, and neither is rate limited.
 */
export function registerHealthRoutes(router: Router<RequestState>, engine: EmailEngine): void {
  router.get('/health', async (ctx) => {
    const report = await engine.health();
    const healthy = report.status === 'healthy';
    if (healthy) {
      ctx.body = ok('Service is healthy', report);
      return;
    }
    // The one failure that keeps its data: a monitor needs the checks to see what is down.
    const down = Object.entries(report.checks)
      .filter(([, check]) => check.status === 'down')
      .map(([name]) => name);
    const message = `Service is unhealthy: ${down.join(', ') || 'a dependency'} down`;
    ctx.status = 503;
    ctx.set('Retry-After', '5');
    ctx.body = { success: false, message, data: report, error: { code: 'UNAVAILABLE', message }, meta: null };
  });

  router.get('/health/live', (ctx) => {
    ctx.body = ok('Service is alive', { status: 'alive', uptime_s: Math.round(process.uptime()) });
  });
}
