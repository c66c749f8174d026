import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { Writable } from 'node:stream';
import {
  InMemoryNotificationQueue,
  InMemoryNotificationStore,
  NotificationQueueToken,
  NotificationStoreToken,
  NotifyError,
} from '@notify/email-core';
import { ContainerModule } from 'inversify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { until } from '../../../test-support/wait.js';
import { composeService } from '../src/compose/compose-service.js';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/logging/logger.js';
import { body, isDelivered, quiet, startWorkerOn } from './compose-fixtures.js';

describe('composeService, embedded on the in-memory defaults', () => {
  let outbox: string;

  beforeAll(() => {
    outbox = mkdtempSync(join(tmpdir(), 'notify-compose-'));
  });
  afterAll(() => rmSync(outbox, { recursive: true, force: true }));

  it('runs accept → worker → .eml file, all in one process', async () => {
    const service = await composeService(loadConfig({ OUTBOX_DIR: outbox }), {
      role: 'embedded',
      logger: quiet(),
    });
    expect(service.backends).toEqual({
      store: 'in-memory',
      queue: 'in-memory',
      transport: 'eml-files',
      templates: 'directory',
      notifier: 'none',
      rateLimiter: 'in-memory',
    });
    expect(service.outboxDir).toBe(outbox);
    expect(service.rateLimiter).toBeDefined();
    service.engine.startRelay();
    const worker = await startWorkerOn(service, 2);

    const accepted = await service.engine.acceptNotification({
      body: body('compose-1'),
      correlationId: 'corr-compose-1',
    });
    expect(accepted.status).toBe('queued');
    await until(() => isDelivered(service, 'compose-1'));
    const files = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const eml = readFileSync(join(outbox, files[0] ?? ''), 'utf8');
    expect(eml).toMatch(/^Subject: Welcome, Ada!/m);

    await worker.stop();
    await service.close();
  });

  it('creates a temp outbox folder when OUTBOX_DIR is unset, and logs no address', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _e, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const service = await composeService(loadConfig({}), {
      logger: createLogger({ destination, level: 'debug' }),
    });
    try {
      expect(service.outboxDir).toBeDefined();
      expect(isAbsolute(service.outboxDir ?? '')).toBe(true);
      expect(existsSync(service.outboxDir ?? '')).toBe(true);
      service.engine.startRelay();
      const worker = await startWorkerOn(service, 1);
      await service.engine.acceptNotification({
        body: body('compose-2', 'grace@example.com'),
        correlationId: 'c-2',
      });
      await until(() => isDelivered(service, 'compose-2'));
      await worker.stop();
      expect(lines.join('')).not.toContain('grace@example.com');
    } finally {
      await service.close();
      rmSync(service.outboxDir ?? '', { recursive: true, force: true });
    }
  });

  it('closes the engine first, so accepted notifications are flushed to the queue before it closes', async () => {
    // The service makes its own in-memory queue, which keeps no log: a spy sees what it accepted
    // (a publish after the queue closed would be rejected, and is not counted).
    const publish = vi.spyOn(InMemoryNotificationQueue.prototype, 'publish');
    try {
      const service = await composeService(loadConfig({ OUTBOX_DIR: outbox }), { logger: quiet() });
      expect(service.queue).toBeInstanceOf(InMemoryNotificationQueue);
      service.engine.startRelay();
      await service.engine.acceptNotification({ body: body('compose-3'), correlationId: 'c-3' });
      // No wait: the relay still holds the id in its batch buffer.
      await service.close();
      const accepted = publish.mock.calls
        .filter((_, i) => publish.mock.settledResults[i]?.type === 'fulfilled')
        .flatMap(([messages]) => messages.map((m) => m.requestId));
      expect(accepted).toContain('compose-3');
      await expect(service.queue.ping()).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
      // Closing twice is harmless.
      await service.close();
    } finally {
      publish.mockRestore();
    }
  });

  it('refuses a separate api or worker process without a shared store and queue', async () => {
    for (const role of ['api', 'worker'] as const) {
      const error = await composeService(loadConfig({ DATABASE_URL: 'postgres://db/x' }), {
        role,
        logger: quiet(),
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(NotifyError.is(error)).toBe(true);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((error as Error).message).toContain('RABBITMQ_URL');
      expect((error as Error).message).not.toContain('DATABASE_URL');
    }
  });
});

describe('composeService with the HTTP template service and status callbacks', () => {
  it('renders the template fetched over HTTP and posts the final status, signed', async () => {
    const callbacks: Array<{ headers: IncomingHttpHeaders; body: Record<string, unknown> }> = [];
    const templateRequests: string[] = [];
    const server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8').on('data', (chunk: string) => {
        raw += chunk;
      });
      req.on('end', () => {
        if (req.method === 'GET' && req.url?.startsWith('/templates/')) {
          templateRequests.push(req.url);
          res.setHeader('Content-Type', 'application/json');
          res.end(
            JSON.stringify({ subject: 'Hi {{name}} (remote)', template_content: '<p>Remote {{name}}</p>' }),
          );
          return;
        }
        callbacks.push({ headers: req.headers, body: JSON.parse(raw) as Record<string, unknown> });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const outbox = mkdtempSync(join(tmpdir(), 'notify-compose-http-'));
    const service = await composeService(
      loadConfig({
        OUTBOX_DIR: outbox,
        TEMPLATE_SERVICE_URL: `${base}/templates/`,
        STATUS_CALLBACK_URL: `${base}/status`,
        STATUS_CALLBACK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      }),
      { logger: quiet() },
    );
    try {
      // The callback is an endpoint of the webhook outbox, sent by the dispatcher workers run.
      expect(service.backends).toMatchObject({ templates: 'http', notifier: 'webhook outbox' });
      service.engine.startRelay();
      service.engine.startWebhookDispatcher();
      const worker = await startWorkerOn(service, 1);
      await service.engine.acceptNotification({
        body: { ...body('compose-http-1'), template_code: 'remote_welcome' },
        correlationId: 'c-http-1',
      });
      await until(() => callbacks.length > 0);
      await worker.stop();

      expect(templateRequests).toEqual(['/templates/remote_welcome']);
      const eml = readFileSync(join(outbox, readdirSync(outbox)[0] ?? ''), 'utf8');
      expect(eml).toMatch(/^Subject: Hi Ada \(remote\)/m);
      expect(callbacks[0]?.body).toMatchObject({
        request_id: 'compose-http-1',
        status: 'delivered',
        attempts: 1,
      });
      expect(callbacks[0]?.headers['webhook-signature']).toMatch(/^v1,/);
    } finally {
      await service.close();
      await new Promise((resolve) => server.close(resolve));
      rmSync(outbox, { recursive: true, force: true });
    }
  });
});

/** A module binding `token` to `value`, as an embedder's own adapter module would. */
function moduleOf(token: symbol, value: unknown): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(token).toConstantValue(value);
  });
}

describe('composeService decides by what the backends declare', () => {
  // Stand-ins for a database and a broker other processes reach: in-memory backends that declare
  // themselves shared. Only the declaration differs from the defaults, so only it can be decisive.
  const sharedStore = () =>
    Object.assign(new InMemoryNotificationStore(), { capabilities: { durable: true, shared: true } });
  const sharedQueue = () =>
    Object.assign(new InMemoryNotificationQueue(), {
      capabilities: { priority: true, delay: true, durable: true, shared: true },
    });

  it('runs a worker on backends that declare themselves shared, whatever the variables say', async () => {
    const config = loadConfig({
      EMAIL_TRANSPORT: 'eml',
      OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'notify-shared-')),
    });
    const service = await composeService(config, {
      role: 'worker',
      logger: quiet(),
      backends: {
        store: { name: 'shared-store', module: moduleOf(NotificationStoreToken, sharedStore()) },
        queue: { name: 'shared-queue', module: moduleOf(NotificationQueueToken, sharedQueue()) },
      },
    });
    try {
      expect(service.backends).toMatchObject({ store: 'shared-store', queue: 'shared-queue' });
      expect(service.store.capabilities.shared).toBe(true);
    } finally {
      await service.close();
      rmSync(config.email.outboxDir as string, { recursive: true, force: true });
    }
  });

  it('refuses a worker whose queue lives in this process, naming the variable that selects a real one', async () => {
    const error = await composeService(loadConfig({}), {
      role: 'worker',
      logger: quiet(),
      backends: { store: { name: 'shared-store', module: moduleOf(NotificationStoreToken, sharedStore()) } },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toContain('RABBITMQ_URL');
    expect((error as Error).message).not.toContain('DATABASE_URL');
  });
});

describe('composeService refuses to report mail delivered that nobody receives', () => {
  const sharedStore = () =>
    Object.assign(new InMemoryNotificationStore(), { capabilities: { durable: true, shared: true } });
  const sharedQueue = () =>
    Object.assign(new InMemoryNotificationQueue(), {
      capabilities: { priority: true, delay: true, durable: true, shared: true },
    });
  const shared = () => ({
    store: { name: 'shared-store', module: moduleOf(NotificationStoreToken, sharedStore()) },
    queue: { name: 'shared-queue', module: moduleOf(NotificationQueueToken, sharedQueue()) },
  });
  const refusal = (promise: Promise<{ close(): Promise<void> }>) =>
    promise.then(
      async (service) => {
        await service.close();
        return undefined;
      },
      (e: unknown) => e as NotifyError,
    );

  it('a worker on a shared store without EMAIL_HOST: refused, naming EMAIL_HOST and EMAIL_TRANSPORT=eml', async () => {
    const error = await refusal(
      composeService(loadConfig({}), { role: 'worker', logger: quiet(), backends: shared() }),
    );
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(error?.message).toMatch(/needs EMAIL_HOST.*nobody receiving it.*EMAIL_TRANSPORT=eml/);
    expect(error?.details?.map((d) => d.path)).toEqual(['EMAIL_HOST']);
  });

  it('the embedded service on PostgreSQL without EMAIL_HOST: refused the same way', async () => {
    const error = await refusal(
      composeService(loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/unused' }), {
        logger: quiet(),
      }),
    );
    expect(error?.message).toContain('needs EMAIL_HOST');
  });

  it('runs when the .eml transport is asked for by name, and on the in-memory store as ever', async () => {
    const named = await composeService(
      loadConfig({ EMAIL_TRANSPORT: 'eml', OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'notify-eml-named-')) }),
      {
        role: 'worker',
        logger: quiet(),
        backends: shared(),
      },
    );
    expect(named.backends.transport).toBe('eml-files');
    await named.close();
    if (named.outboxDir) rmSync(named.outboxDir, { recursive: true, force: true });
    const embedded = await composeService(loadConfig({}), { logger: quiet() });
    expect(embedded.transport.capabilities?.delivers).toBe(false);
    await embedded.close();
    if (embedded.outboxDir) rmSync(embedded.outboxDir, { recursive: true, force: true });
  });

  it('lets a process that does not send (the API, notify-dead-letters) run without EMAIL_HOST', async () => {
    for (const options of [{ role: 'api' as const }, { role: 'worker' as const, sends: false }]) {
      const service = await composeService(loadConfig({}), {
        ...options,
        logger: quiet(),
        backends: shared(),
      });
      await service.close();
      if (service.outboxDir) rmSync(service.outboxDir, { recursive: true, force: true });
    }
  });
});

describe('composeService and the temp outbox folder it makes', () => {
  it('removes it at close when no mail was written to it, and keeps it when some was', async () => {
    const idle = await composeService(loadConfig({}), { logger: quiet() });
    const idleDir = idle.outboxDir as string;
    expect(existsSync(idleDir)).toBe(true);
    await idle.close();
    expect(existsSync(idleDir)).toBe(false);

    const busy = await composeService(loadConfig({}), { logger: quiet() });
    const busyDir = busy.outboxDir as string;
    try {
      busy.engine.startRelay();
      const worker = await startWorkerOn(busy, 1);
      await busy.engine.acceptNotification({ body: body('compose-outbox-1'), correlationId: 'c-o-1' });
      await until(() => isDelivered(busy, 'compose-outbox-1'));
      await worker.stop();
      await busy.close();
      expect(readdirSync(busyDir)).toHaveLength(1);
    } finally {
      rmSync(busyDir, { recursive: true, force: true });
    }
  });
});
