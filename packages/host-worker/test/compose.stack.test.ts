import { migrate } from '@notify/adapter-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { createTestVhost, type TestVhost } from '../../../test-support/rabbitmq.js';
import { type SmtpPeer, startSmtpPeer } from '../../../test-support/smtp-peer.js';
import { composeService } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startWorker } from '../src/worker.js';

function body(requestId: string) {
  return {
    notification_type: 'email',
    user_id: 'user-1',
    template_code: 'welcome_email',
    variables: { name: 'Ada', email: 'ada@example.com', link: 'https://example.com/verify' },
    request_id: requestId,
  };
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const quiet = () => createLogger({ level: 'silent' });

describe('composeService on the real adapters (PostgreSQL, RabbitMQ, SMTP, Redis)', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let smtp: SmtpPeer;

  beforeAll(async () => {
    [database, vhost, smtp] = await Promise.all([createTestDatabase(), createTestVhost(), startSmtpPeer()]);
    await migrate({ connectionString: database.url });
  });
  afterAll(async () => {
    await Promise.all([database?.drop(), vhost?.remove(), smtp?.close()]);
  });

  it('delivers through an API service and a separate worker service that share the backends', async () => {
    const config = loadConfig({
      DATABASE_URL: database.url,
      RABBITMQ_URL: vhost.url,
      EMAIL_HOST: smtp.host,
      EMAIL_PORT: String(smtp.port),
      EMAIL_FROM: 'Notify <noreply@notify.test>',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
    });
    const api = await composeService(config, { role: 'api', logger: quiet() });
    const workerService = await composeService(config, { role: 'worker', logger: quiet() });
    try {
      expect(api.backends).toMatchObject({ store: 'postgres', queue: 'rabbitmq', rateLimiter: 'redis' });
      expect(api.backends.transport).toBe(`smtp ${smtp.host}:${smtp.port}`);
      expect(api.outboxDir).toBeUndefined();
      expect(workerService.rateLimiter).toBeUndefined();
      const decision = await api.rateLimiter?.consume(`compose-test-${Date.now()}`);
      expect(decision?.allowed).toBe(true);

      api.engine.startRelay();
      const worker = await startWorker({
        engine: workerService.engine,
        queue: workerService.queue,
        concurrency: 2,
        logger: workerService.logger,
      });
      await api.engine.acceptNotification({ body: body('compose-real-1'), correlationId: 'corr-real-1' });
      const [received] = await smtp.waitFor(1, 10_000);
      expect(received?.subject).toBe('Welcome, Ada!');
      expect(received?.to).toEqual(['ada@example.com']);
      await until(async () =>
        (await api.engine.getNotification('compose-real-1')).status === 'delivered' ? true : undefined,
      );
      await worker.stop();
    } finally {
      await Promise.all([api.close(), workerService.close()]);
    }
  });
});
