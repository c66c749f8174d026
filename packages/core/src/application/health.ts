import { NotifyError } from '../domain/errors.js';
import type { EngineContext } from './engine-context.js';
import type { HealthCheck, HealthReport } from './views.js';

/** A dependency slower than this to answer a ping counts as down: a hung pool must not hang health. */
const CHECK_TIMEOUT_MS = 2_000;

/** A process reuses its last SMTP reachability probe this long: health is polled often. */
const SMTP_PROBE_TTL_MS = 5_000;
const smtpProbes = new WeakMap<EngineContext, { at: number; check: Promise<HealthCheck> }>();

/**
 * database = store.ping, queue = queue.ping, smtp = the breaker's state plus a reachability probe
 * (`transport.verify()`, at most once per SMTP_PROBE_TTL_MS). An unreachable SMTP server or an
 * open circuit is `degraded` and the service stays healthy: mail is deferred, not lost, and
 * accepting still works. Unhealthy only when the store or the queue is down.
 */
export async function health(ctx: EngineContext): Promise<HealthReport> {
  const [database, queue, smtp] = await Promise.all([
    timed(() => ctx.store.ping()),
    timed(() => ctx.queue.ping()),
    smtpCheck(ctx),
  ]);
  return {
    status: database.status === 'down' || queue.status === 'down' ? 'unhealthy' : 'healthy',
    service: 'email-service',
    version: ctx.options.version,
    timestamp: ctx.clock.now().toISOString(),
    checks: { database, queue, smtp },
  };
}

/**
 * The breaker alone cannot answer for a process that sends nothing: the API process's breaker
 * stays closed through a whole SMTP outage that the workers' breakers see. So while it is closed
 * the server is also probed, and the probe's result is shared for a few seconds.
 */
async function smtpCheck(ctx: EngineContext): Promise<HealthCheck> {
  const breakerState = ctx.breaker.state();
  if (breakerState !== 'closed') {
    return {
      status: 'degraded',
      detail: `circuit ${breakerState}; next trial at ${ctx.breaker.retryAt().toISOString()}`,
    };
  }
  const now = Date.now();
  const cached = smtpProbes.get(ctx);
  if (cached !== undefined && now - cached.at < SMTP_PROBE_TTL_MS) return cached.check;
  const check = timed(() => ctx.transport.verify()).then(
    (probe): HealthCheck =>
      probe.status === 'up'
        ? { status: 'up' }
        : { status: 'degraded', detail: `server not reachable (${probe.detail ?? 'unknown'})` },
  );
  smtpProbes.set(ctx, { at: now, check });
  return check;
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
