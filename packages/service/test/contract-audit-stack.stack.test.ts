import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from '@notify/adapter-postgres';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { freePort, type RunningProcess, startApiAndWorker } from '../../../test-support/processes.js';
import { createTestVhost, type TestVhost } from '../../../test-support/rabbitmq.js';
import { type SmtpPeer, startSmtpPeer } from '../../../test-support/smtp-peer.js';
import { until } from '../../../test-support/wait.js';

// The audit of what only the real stack shows: notify-api and notify-worker as separate processes
// on PostgreSQL, RabbitMQ (configured from RABBITMQ_HOST & co., not a URL), an SMTP peer that
// requires STARTTLS and a login, a template folder on disk and a signing status-callback receiver.
// One X-Request-ID must follow a notification through both processes into the mail and the callback.

const peerCertFile = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../test-support/tls/smtp-peer-cert.pem',
);

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const SECRET_BYTES = Buffer.from('audit-callback-secret-0123456789');
const CALLBACK_SECRET = `whsec_${SECRET_BYTES.toString('base64')}`;
const API_KEY = 'audit-stack-key-0123456789abcdef';

interface Callback {
  headers: IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
}

describe('contract audit on the real stack (API and worker processes)', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let smtp: SmtpPeer;
  let api: RunningProcess;
  let worker: RunningProcess;
  let port: number;
  let receiver: Server;
  let templatesDir: string;
  const callbacks: Callback[] = [];

  const url = () => `http://127.0.0.1:${port}/api/v1/notifications/`;
  const auth = { Authorization: `Bearer ${API_KEY}` };

  async function statusOf(requestId: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${url()}${encodeURIComponent(requestId)}/`, { headers: auth });
    return ((await res.json()) as { data: Record<string, unknown> }).data;
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8').on('data', (chunk: string) => {
        raw += chunk;
      });
      req.on('end', () => {
        callbacks.push({ headers: req.headers, raw, body: JSON.parse(raw) });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/status`;

    templatesDir = mkdtempSync(join(tmpdir(), 'notify-audit-templates-'));
    mkdirSync(join(templatesDir, 'audit_notice'));
    writeFileSync(join(templatesDir, 'audit_notice', 'subject.hbs'), 'Audit notice for {{name}}');
    writeFileSync(join(templatesDir, 'audit_notice', 'text.hbs'), 'Hello {{name}}, see {{link}}.');
    writeFileSync(join(templatesDir, 'audit_notice', 'html.hbs'), '<p>Hello {{name}}, see {{link}}.</p>');

    [database, vhost, smtp, port] = await Promise.all([
      createTestDatabase(),
      createTestVhost('notify-audit'),
      startSmtpPeer({ starttls: true, auth: { user: 'mailer', pass: 'smtp-S3cret-pass' } }),
      freePort(),
    ]);
    await migrate({ connectionString: database.url });
    const env = {
      DATABASE_URL: database.url,
      // The predecessor's variables, not a URL: the vhost name needs percent-encoding on the way.
      RABBITMQ_HOST: '127.0.0.1',
      RABBITMQ_PORT: '5672',
      RABBITMQ_USER: 'guest',
      RABBITMQ_PASSWORD: 'guest',
      RABBITMQ_VHOST: vhost.vhost,
      // STARTTLS with a login; the peer's certificate is for "localhost".
      EMAIL_HOST: 'localhost',
      EMAIL_PORT: String(smtp.port),
      EMAIL_USE_TLS: 'True',
      EMAIL_HOST_USER: 'mailer',
      EMAIL_HOST_PASSWORD: 'smtp-S3cret-pass',
      EMAIL_FROM: 'Audit <noreply@audit.test>',
      NODE_EXTRA_CA_CERTS: peerCertFile,
      TEMPLATES_DIR: templatesDir,
      STATUS_CALLBACK_URL: callbackUrl,
      STATUS_CALLBACK_SECRET: CALLBACK_SECRET,
      MAX_RETRIES: '1',
      RETRY_BASE_MS: '100',
      RETRY_CAP_MS: '200',
      WORKER_CONCURRENCY: '2',
      LOG_LEVEL: 'debug',
      API_KEYS: API_KEY,
    };
    ({ api, worker } = await startApiAndWorker(env, port));
  });

  afterAll(async () => {
    for (const p of [api, worker]) if (p?.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all([
      database?.drop(),
      vhost?.remove(),
      smtp?.close(),
      new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined))),
    ]);
    if (templatesDir) rmSync(templatesDir, { recursive: true, force: true });
  });

  it('one X-Request-ID: API and worker log lines, queue, SMTP headers and the signed callback', async () => {
    const requestId = `audit-stack-${Date.now()}`;
    const metadata = { campaign_id: 'campaign-123', nested: { ok: true } };
    const accepted = await fetch(url(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Request-ID': 'audit-stack-corr-1', ...auth },
      body: JSON.stringify({
        notification_type: 'email',
        user_id: '550e8400-e29b-41d4-a716-446655440000',
        template_code: 'audit_notice',
        variables: { name: 'Grace', email: 'grace.hopper@audit.example', link: 'https://example.com/a' },
        request_id: requestId,
        metadata,
      }),
    });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('x-request-id')).toBe('audit-stack-corr-1');
    const taskId = ((await accepted.json()) as { data: { task_id: string } }).data.task_id;

    // SMTP: TLS (EMAIL_USE_TLS), the login (EMAIL_HOST_USER/PASSWORD), the template from TEMPLATES_DIR.
    const mail = (await smtp.waitFor(1, 15_000)).find((m) => m.headers['x-request-id'] === requestId);
    expect(mail).toBeDefined();
    expect(mail?.secure).toBe(true);
    expect(mail?.user).toBe('mailer');
    expect(mail?.subject).toBe('Audit notice for Grace');
    expect(mail?.headers['x-correlation-id']).toBe('audit-stack-corr-1');

    await until(async () => (await statusOf(requestId)).status === 'delivered', 10_000, 'delivered');
    await until(() => callbacks.some((c) => c.body.request_id === requestId), 10_000, 'callback');
    const callback = callbacks.find((c) => c.body.request_id === requestId) as Callback;
    expect(callback.body).toMatchObject({
      notification_id: taskId,
      request_id: requestId,
      status: 'delivered',
      error: null,
      attempts: 1,
      metadata,
    });
    for (const key of [
      'notification_id',
      'request_id',
      'status',
      'error',
      'attempts',
      'timestamp',
      'metadata',
    ]) {
      expect(callback.body, key).toHaveProperty(key);
    }
    expect(callback.body.timestamp).toMatch(ISO_UTC);
    expect(callback.headers['x-correlation-id']).toBe('audit-stack-corr-1');
    // Standard Webhooks, checked here from the spec rather than with the adapter's own verifier.
    const id = String(callback.headers['webhook-id']);
    const timestamp = String(callback.headers['webhook-timestamp']);
    expect(id.length).toBeGreaterThan(0);
    expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(300);
    const expected = createHmac('sha256', SECRET_BYTES)
      .update(`${id}.${timestamp}.${callback.raw}`)
      .digest('base64');
    expect(String(callback.headers['webhook-signature']).split(' ')).toContain(`v1,${expected}`);

    // Both processes logged about it under the one correlation id, in the documented line format.
    for (const [name, process] of [
      ['api', api],
      ['worker', worker],
    ] as const) {
      const lines = process.lines.filter((l) => l.request_id === requestId && l.method !== 'GET');
      expect(lines.length, name).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line.correlation_id, `${name}: ${JSON.stringify(line)}`).toBe('audit-stack-corr-1');
        expect(line.level).toMatch(/^(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)$/);
        expect(line.timestamp).toMatch(ISO_UTC);
        expect(typeof line.logger).toBe('string');
        expect(typeof line.message).toBe('string');
      }
      expect(
        lines.some((l) => l.task_id === taskId),
        name,
      ).toBe(true);
    }
    expect(worker.lines.some((l) => l.request_id === requestId && /delivered/i.test(String(l.message)))).toBe(
      true,
    );

    // Addresses and secrets stay out of both processes' output.
    const output = api.stdout() + api.stderr() + worker.stdout() + worker.stderr();
    expect(output).not.toContain('grace.hopper@audit.example');
    for (const secret of ['smtp-S3cret-pass', API_KEY, SECRET_BYTES.toString('base64')]) {
      expect(output).not.toContain(secret);
    }
  });

  it('MAX_RETRIES=1: a transient failure is retried once, then failed, dead-lettered on failed.queue and called back', async () => {
    const requestId = `audit-retry-${Date.now()}`;
    const address = 'busy.mailbox@audit.example';
    smtp.rejectRecipients((a) => a === address, 451, `4.2.1 <${address}>: mailbox busy, try later`);
    const accepted = await fetch(url(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Request-ID': 'audit-stack-corr-2', ...auth },
      body: JSON.stringify({
        notification_type: 'email',
        user_id: 'audit-retry-user',
        template_code: 'audit_notice',
        variables: { name: 'Busy', email: address, link: 'https://example.com/b' },
        request_id: requestId,
      }),
    });
    expect(accepted.status).toBe(202);

    await until(async () => (await statusOf(requestId)).status === 'failed', 30_000, 'failed');
    const view = await statusOf(requestId);
    expect(view.attempts, JSON.stringify(view)).toBe(2);
    expect(view.error).toEqual(expect.any(String));
    expect(smtp.rejections.get(address)).toBe(2);

    const connection = await amqp.connect(vhost.url);
    try {
      const channel = await connection.createChannel();
      let found: Record<string, unknown> | undefined;
      for (let i = 0; i < 100 && !found; i++) {
        const message = await channel.get('failed.queue', { noAck: true });
        if (message === false) break;
        const entry = JSON.parse(message.content.toString('utf8')) as Record<string, unknown>;
        if (entry.requestId === requestId) found = entry;
      }
      expect(found).toMatchObject({ requestId, attempts: 2, correlationId: 'audit-stack-corr-2' });
      expect(found?.error).toEqual(expect.any(String));
    } finally {
      await connection.close();
    }

    await until(() => callbacks.some((c) => c.body.request_id === requestId), 10_000, 'failed callback');
    expect(callbacks.find((c) => c.body.request_id === requestId)?.body).toMatchObject({
      status: 'failed',
      attempts: 2,
      error: expect.any(String),
    });
    // The SMTP reply named the recipient; the logs still must not.
    const output = api.stdout() + worker.stdout() + worker.stderr();
    expect(output).not.toContain(address);
  });
});
