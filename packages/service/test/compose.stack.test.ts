import { migrate } from '@notify/adapter-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { createTestVhost, type TestVhost } from '../../../test-support/rabbitmq.js';
import { type SmtpPeer, startSmtpPeer } from '../../../test-support/smtp-peer.js';
import { until } from '../../../test-support/wait.js';
import { composeService } from '../src/compose/compose-service.js';
import { loadConfig } from '../src/config/load-config.js';
import { body, isDelivered, quiet, startWorkerOn } from './compose-fixtures.js';

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
      const worker = await startWorkerOn(workerService, 2);
      await api.engine.acceptNotification({ body: body('compose-real-1'), correlationId: 'corr-real-1' });
      const [received] = await smtp.waitFor(1, 10_000);
      expect(received?.subject).toBe('Welcome, Ada!');
      expect(received?.to).toEqual(['ada@example.com']);
      await until(() => isDelivered(api, 'compose-real-1'));
      await worker.stop();
    } finally {
      await Promise.all([api.close(), workerService.close()]);
    }
  });
});
