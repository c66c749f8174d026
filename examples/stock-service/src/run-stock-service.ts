// Runs the stock service the way an operator does: the notify-* processes, configured only by
// environment variables; then sends the seed request and polls until the email is delivered.
//
//   pnpm build                                            # once: the processes run from dist
//   pnpm --filter @notify-examples/stock-service start    # embedded: one process, .eml files
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/notify \
//   RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672 \
//   EMAIL_HOST=127.0.0.1 EMAIL_PORT=1025 EMAIL_FROM=noreply@example.com \
//   pnpm --filter @notify-examples/stock-service start    # notify-migrate, notify-api, 2× notify-worker
import { binPath, type Running, startProcess, stopProcess, waitForLog } from './processes.js';

const separate = Boolean(process.env.DATABASE_URL && (process.env.RABBITMQ_URL || process.env.RABBITMQ_HOST));
const workerCount = Number(process.env.WORKERS ?? 2);
const env: NodeJS.ProcessEnv = { ...process.env, PORT: process.env.PORT ?? '8000' };
const running: Running[] = [];

/** The envelope every route answers with (docs/api.md). */
interface Envelope {
  success: boolean;
  data: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: Envelope }> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as Envelope };
}

async function main(): Promise<Record<string, unknown>> {
  let api: Running;
  if (separate) {
    // 1. Migrations, once, before anything else touches the database.
    const migrate = startProcess('notify-migrate', binPath('@notify/service', 'notify-migrate'), env);
    const code = await migrate.exited;
    if (code !== 0) throw new Error(`notify-migrate exited with code ${code}`);
    console.log('notify-migrate: database is up to date');
    // 2. The API (with the outbox relay) and the workers, sharing PostgreSQL and RabbitMQ.
    api = startProcess('notify-api', binPath('@notify/service', 'notify-api'), env);
    running.push(api);
    for (let i = 1; i <= workerCount; i++) {
      running.push(startProcess(`notify-worker-${i}`, binPath('@notify/service', 'notify-worker'), env));
    }
    await Promise.all(
      running.slice(1).map((w) => waitForLog(w, (l) => l.message === 'Worker ready', 30_000)),
    );
  } else {
    // Nothing configured: the embedded service, API and worker in one process, mail as .eml files.
    api = startProcess('notify-serve', binPath('@notify/service', 'notify-serve'), env);
    running.push(api);
  }
  const ready = await waitForLog(api, (l) => String(l.message).startsWith('Email service listening'), 30_000);
  const base = `http://127.0.0.1:${ready.port}`;
  console.log(`${api.name} listening on ${base}; backends: ${describeBackends(ready.backends)}`);

  // 3. The seed request (the curl of README.md's quick start), with a request_id of its own so every run sends a mail.
  const requestId = `req-${Date.now().toString(36)}`;
  const accepted = await getJson(`${base}/api/v1/notifications/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      notification_type: 'email',
      user_id: '550e8400-e29b-41d4-a716-446655440000',
      template_code: 'welcome_email',
      variables: {
        name: 'John Doe',
        email: 'john@example.com',
        link: 'https://example.com/verify',
        subject: 'Welcome to Our Platform',
      },
      request_id: requestId,
      priority: 10,
      metadata: {},
    }),
  });
  console.log(`POST /api/v1/notifications/ → ${accepted.status} ${JSON.stringify(accepted.body.data)}`);
  if (accepted.status !== 202) throw new Error('the seed request was not accepted');

  // 4. Poll the status route until the notification is final.
  let data: Record<string, unknown> = {};
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    data = (await getJson(`${base}/api/v1/notifications/${requestId}/`)).body.data ?? {};
    if (data.status === 'delivered' || data.status === 'failed') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.log(`GET /api/v1/notifications/${requestId}/ → ${data.status} after ${data.attempts} attempt(s)`);
  const health = await getJson(`${base}/health/`);
  const checks = health.body.data?.checks ?? {};
  console.log(`GET /health/ → ${health.status} ${JSON.stringify(checks)}`);
  const outbox = running.flatMap((r) => r.logs).find((l) => typeof l.outbox_dir === 'string')?.outbox_dir;
  if (outbox) console.log(`emails are in ${outbox}`);
  return {
    mode: separate ? 'separate' : 'embedded',
    request_id: requestId,
    status: data.status,
    attempts: data.attempts,
    health: health.status,
    ...(outbox ? { outbox_dir: outbox } : {}),
  };
}

function describeBackends(backends: unknown): string {
  return Object.entries((backends ?? {}) as Record<string, string>)
    .map(([port, impl]) => `${port}=${impl}`)
    .join(' ');
}

let result: Record<string, unknown> = {};
let failed = false;
try {
  result = await main();
} catch (error) {
  failed = true;
  console.error(error instanceof Error ? error.message : error);
  for (const r of running)
    for (const line of r.logs.slice(-10)) console.error(`[${r.name}] ${JSON.stringify(line)}`);
}
// 5. SIGTERM: each process drains and exits 0.
const exitCodes = await Promise.all(running.map((r) => stopProcess(r)));
console.log(`stopped: ${running.map((r, i) => `${r.name} exit ${exitCodes[i]}`).join(', ')}`);
console.log(`RESULT ${JSON.stringify({ ...result, exit_codes: exitCodes })}`);
process.exitCode = failed ? 1 : 0;
