import { fileURLToPath } from 'node:url';
import { migrate } from '@notify/adapter-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { startSourceBin } from '../../../test-support/processes.js';
import { createTestVhost, type TestVhost } from '../../../test-support/rabbitmq.js';
import { type SmtpPeer, startSmtpPeer } from '../../../test-support/smtp-peer.js';
import { until, within } from '../../../test-support/wait.js';
import { composeService, type Service } from '../src/compose/compose-service.js';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/logging/logger.js';

// The stock worker process, run from source as a real child process.
const workerBin = fileURLToPath(new URL('../src/bin/worker.ts', import.meta.url));
const startWorkerProcess = (env: Record<string, string>) => startSourceBin(workerBin, env);

describe('notify-worker process', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let smtp: SmtpPeer;
  let api: Service;
  let env: Record<string, string>;

  beforeAll(async () => {
    [database, vhost, smtp] = await Promise.all([createTestDatabase(), createTestVhost(), startSmtpPeer()]);
    await migrate({ connectionString: database.url });
    env = {
      DATABASE_URL: database.url,
      RABBITMQ_URL: vhost.url,
      EMAIL_HOST: smtp.host,
      EMAIL_PORT: String(smtp.port),
      EMAIL_FROM: 'noreply@notify.test',
      WORKER_CONCURRENCY: '4',
    };
    // The API side runs in the test process, on the same database and vhost.
    api = await composeService(loadConfig(env), { role: 'api', logger: createLogger({ level: 'silent' }) });
    api.engine.startRelay();
  });

  afterAll(async () => {
    await api?.close();
    await Promise.all([database?.drop(), vhost?.remove(), smtp?.close()]);
  });

  it('delivers what the API accepted, then drains and exits 0 on SIGTERM', async () => {
    const worker = startWorkerProcess(env);
    try {
      await until(
        () => worker.lines.some((l) => l.message === 'Worker ready') || worker.child.exitCode !== null,
        25_000,
        'the worker to start',
      );
      expect(worker.child.exitCode, worker.stderr()).toBeNull();
      const ready = worker.lines.find((l) => l.message === 'Worker ready');
      expect(ready).toMatchObject({ concurrency: 4, backends: { store: 'postgres', queue: 'rabbitmq' } });

      for (const n of [1, 2, 3]) {
        await api.engine.acceptNotification({
          body: {
            notification_type: 'email',
            user_id: 'u-1',
            template_code: 'welcome_email',
            variables: {
              name: `Reader ${n}`,
              email: `reader${n}@example.com`,
              link: 'https://example.com/v',
            },
            request_id: `worker-proc-${n}`,
          },
          correlationId: `corr-worker-proc-${n}`,
        });
      }
      const received = await smtp.waitFor(3, 15_000);
      expect(received.map((m) => m.subject).sort()).toEqual([
        'Welcome, Reader 1!',
        'Welcome, Reader 2!',
        'Welcome, Reader 3!',
      ]);
      // The log line follows the stored outcome, which follows the SMTP reply.
      const processedCount = () => worker.lines.filter((l) => l.message === 'Notification processed').length;
      await until(() => processedCount() === 3, 5000, 'three processed log lines');
      const logged = worker.lines.find(
        (l) => l.request_id === 'worker-proc-1' && l.message === 'Notification processed',
      );
      expect(logged).toMatchObject({
        correlation_id: 'corr-worker-proc-1',
        outcome: 'delivered',
        level: 'INFO',
      });

      worker.child.kill('SIGTERM');
      expect(await within(worker.exited, 20_000)).toBe(0);
      expect(worker.lines.some((l) => l.message === 'Shutdown complete')).toBe(true);
      // The budget it logs is the documented one: SHUTDOWN_TIMEOUT_MS, 15 s by default.
      expect(worker.lines.find((l) => l.message === 'Shutting down')).toMatchObject({ timeout_ms: 15_000 });
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    }
  });

  it('exits 1 saying which virtual host RabbitMQ refused, never claiming to be ready', async () => {
    const missing = `notify-missing-${Date.now().toString(36)}`;
    const worker = startWorkerProcess({
      ...env,
      RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:5672/${missing}`,
    });
    expect(await within(worker.exited, 30_000)).toBe(1);
    expect(worker.stderr()).toContain(`RabbitMQ refused to open virtual host "${missing}"`);
    expect(worker.stderr()).toContain(`rabbitmqctl add_vhost ${missing}`);
    expect(worker.lines.some((l) => l.message === 'Worker ready')).toBe(false);
  });

  it('exits 1 saying PostgreSQL refused the login of a role it does not have', async () => {
    const url = new URL(database.url);
    url.username = 'no_such_role';
    const worker = startWorkerProcess({ ...env, DATABASE_URL: url.toString() });
    expect(await within(worker.exited, 30_000)).toBe(1);
    expect(worker.stderr()).toContain('PostgreSQL refused the login');
    expect(worker.lines.some((l) => l.message === 'Worker ready')).toBe(false);
  });

  it('exits 1 with the one configuration message when started without a shared store and queue', async () => {
    const worker = startWorkerProcess({
      EMAIL_HOST_PASSWORD: 'pa55-do-not-print',
      WORKER_CONCURRENCY: 'lots',
    });
    expect(await within(worker.exited, 20_000)).toBe(1);
    const message = worker.stderr().trim();
    expect(message).toMatch(/^Invalid configuration: /);
    expect(message).toContain('WORKER_CONCURRENCY');
    expect(message).toContain('EMAIL_HOST_USER');
    expect(message).not.toContain('pa55-do-not-print');
  });

  it('exits 1 naming DATABASE_URL and RabbitMQ when the environment is valid but has neither', async () => {
    const worker = startWorkerProcess({});
    expect(await within(worker.exited, 20_000)).toBe(1);
    expect(worker.stderr()).toContain('DATABASE_URL');
    expect(worker.stderr()).toContain('RABBITMQ_URL');
  });
});
