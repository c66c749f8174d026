import { NotifyError } from '../domain/errors.js';
import type { EngineContext } from './engine-context.js';
import type { HealthCheck, HealthReport } from './views.js';

/** A dependency slower than this to answer a ping counts as down: a hung pool must not hang health. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * database = store.ping, queue = queue.ping, smtp = the breaker's state (no network round-trip,
 * health is polled often). An open SMTP circuit is `degraded` and the service stays healthy:
 * mail is deferred, not lost, and accepting still works. Unhealthy only when the store or the
 * queue is down.
 */
export async function health(ctx: EngineContext): Promise<HealthReport> {
  const [database, queue] = await Promise.all([timed(() => ctx.store.ping()), timed(() => ctx.queue.ping())]);
  const breakerState = ctx.breaker.state();
  const smtp: HealthCheck =
    breakerState === 'closed'
      ? { status: 'up' }
      : {
          status: 'degraded',
          detail: `circuit ${breakerState}; next trial at ${ctx.breaker.retryAt().toISOString()}`,
        };
  return {
    status: database.status === 'down' || queue.status === 'down' ? 'unhealthy' : 'healthy',
    service: 'email-service',
    version: ctx.options.version,
    timestamp: ctx.clock.now().toISOString(),
    checks: { database, queue, smtp },
  };
}

async function timed(ping: () => Promise<void>): Promise<HealthCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([ping(), timeout]);
    return { status: 'up', latency_ms: elapsed(started) };
  } catch (error) {
    // The detail names the failure class only; a driver message may carry hosts or credentials.
    const detail = NotifyError.is(error)
      ? error.code
      : error instanceof Error && error.message.startsWith('no answer')
        ? error.message
        : 'unreachable';
    return { status: 'down', latency_ms: elapsed(started), detail };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
