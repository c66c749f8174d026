import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunContext } from './context.js';
import { serviceBin } from './paths.js';
import { freePort, type Managed, startProcess } from './processes.js';
import type { Stack } from './stack.js';

/** The stock processes' environment: the stack's URLs, the sink as SMTP relay, then the run's overrides. */
function serviceEnv(ctx: RunContext, stack: Stack): Record<string, string> {
  return {
    DATABASE_URL: stack.databaseUrl,
    RABBITMQ_URL: stack.rabbitmqUrl,
    EMAIL_HOST: '127.0.0.1',
    EMAIL_PORT: String(ctx.sink.port),
    EMAIL_FROM: 'Bench <noreply@example.com>',
    ...ctx.options.serviceEnv,
  };
}

function profileArgs(ctx: RunContext, role: 'api' | 'worker', name: string): string[] {
  if (ctx.options.profile !== role) return [];
  const dir = join(ctx.runDir, `profile-${name}`);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

export interface RunningApi {
  process: Managed;
  url: string;
}

/** `notify-api` as built (`serviceBin`), ready once it logs that it listens. */
export async function startApi(ctx: RunContext, stack: Stack, name: string): Promise<RunningApi> {
  const port = await freePort();
  const api = startProcess({
    name,
    script: serviceBin('api'),
    env: { ...serviceEnv(ctx, stack), PORT: String(port), HOST: '127.0.0.1' },
    logDir: ctx.runDir,
    nodeArgs: profileArgs(ctx, 'api', name),
  });
  const url = `http://127.0.0.1:${port}`;
  // Ready when it answers, whatever LOG_LEVEL says (a run may silence the info lines).
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (api.child.exitCode !== null) await api.waitForLog('(exited)', 0);
    const live = await fetch(`${url}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (live) break;
    if (Date.now() > deadline)
      throw new Error(`${name} did not answer /health/live in 30 s (log: ${api.logFile})`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { process: api, url };
}

/** `notify-worker` as built (`serviceBin`), ready once it logs `Worker ready`. */
export async function startWorkers(
  ctx: RunContext,
  stack: Stack,
  count: number,
  label: string,
): Promise<Managed[]> {
  const workers = Array.from({ length: count }, (_, i) => {
    const name = `${label}-worker-${i + 1}`;
    return startProcess({
      name,
      script: serviceBin('worker'),
      env: serviceEnv(ctx, stack),
      logDir: ctx.runDir,
      // One profile is enough to see what bounds a worker.
      nodeArgs: i === 0 ? profileArgs(ctx, 'worker', name) : [],
    });
  });
  // `Worker ready` is an info line; with a quieter LOG_LEVEL the drain's own timing (from the
  // rows' delivered_at) does not need it.
  const level = (ctx.options.serviceEnv.LOG_LEVEL ?? 'info').toLowerCase();
  if (['trace', 'debug', 'info'].includes(level))
    await Promise.all(workers.map((w) => w.waitForLog('Worker ready')));
  return workers;
}

/** Stops a stock process the way an orchestrator does (SIGTERM) and reports a bad exit. */
export async function stopService(ctx: RunContext, service: Managed): Promise<void> {
  const code = await service.stop();
  if (code !== 0)
    ctx.problems.push(`${service.name} exited with ${code} on SIGTERM (log: ${service.logFile})`);
}
