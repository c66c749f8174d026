import { migrate } from '@notify/adapter-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { freePort, type RunningProcess, startApiAndWorker } from '../../../test-support/processes.js';
import { createTestVhost, type TestVhost } from '../../../test-support/rabbitmq.js';
import { type SmtpPeer, startSmtpPeer } from '../../../test-support/smtp-peer.js';
import { until, within } from '../../../test-support/wait.js';

// The production shape, from source: one notify-api and one notify-worker process on a real
// PostgreSQL database, RabbitMQ vhost and SMTP peer.

describe('notify-api + notify-worker processes on PostgreSQL, RabbitMQ and SMTP', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let smtp: SmtpPeer;
  let api: RunningProcess;
  let worker: RunningProcess;
  let port: number;

  beforeAll(async () => {
    [database, vhost, smtp, port] = await Promise.all([
      createTestDatabase(),
      createTestVhost(),
      startSmtpPeer(),
      freePort(),
    ]);
    await migrate({ connectionString: database.url });
    const env = {
      DATABASE_URL: database.url,
      RABBITMQ_URL: vhost.url,
      EMAIL_HOST: smtp.host,
      EMAIL_PORT: String(smtp.port),
      EMAIL_FROM: 'Notify <noreply@notify.test>',
      API_KEYS: 'test-key-0123456789abcdef',
    };
    ({ api, worker } = await startApiAndWorker(env, port));
  });

  afterAll(async () => {
    for (const p of [api, worker]) if (p?.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all([database?.drop(), vhost?.remove(), smtp?.close()]);
  });

  it('the API needs its key, accepts, and the separate worker delivers over SMTP', async () => {
    const body = JSON.stringify({
      notification_type: 'email',
      user_id: '550e8400-e29b-41d4-a716-446655440000',
      template_code: 'welcome_email',
      variables: { name: 'John Doe', email: 'john@example.com', link: 'https://example.com/verify' },
      request_id: 'stock-processes-1',
    });
    const url = `http://127.0.0.1:${port}/api/v1/notifications/`;
    const anonymous = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(anonymous.status).toBe(401);

    const headers = { 'Content-Type': 'application/json', Authorization: 'Bearer test-key-0123456789abcdef' };
    const accepted = await fetch(url, { method: 'POST', headers, body });
    expect(accepted.status).toBe(202);

    const [mail] = await smtp.waitFor(1, 10_000);
    expect(mail?.subject).toBe('Welcome, John Doe!');
    expect(mail?.to).toEqual(['john@example.com']);
    await until(
      async () => {
        const res = await fetch(`${url}stock-processes-1/`, { headers });
        return ((await res.json()) as { data: { status: string } }).data.status === 'delivered';
      },
      5000,
      'status delivered',
    );
    const health = await fetch(`http://127.0.0.1:${port}/health/`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      data: { checks: { database: { status: 'up' }, queue: { status: 'up' } } },
    });
  });

  it('200 notifications: all delivered in PostgreSQL, each arrives exactly once at the peer', async () => {
    const headers = { 'Content-Type': 'application/json', Authorization: 'Bearer test-key-0123456789abcdef' };
    const url = `http://127.0.0.1:${port}/api/v1/notifications/`;
    const before = smtp.messages.length;
    const ids = Array.from({ length: 200 }, (_, i) => `e2e-200-${i}`);
    const answers = await Promise.all(
      ids.map((id, i) =>
        fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            notification_type: 'email',
            user_id: `user-${i % 7}`,
            template_code: 'password_reset',
            variables: { name: `N${i}`, email: `r${i}@example.com`, link: 'https://example.com/r' },
            request_id: id,
            priority: 1 + (i % 100),
          }),
        }).then((r) => r.status),
      ),
    );
    expect(answers.every((s) => s === 202)).toBe(true);

    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: database.url });
    await client.connect();
    try {
      const delivered = async () => {
        const { rows } = await client.query<{ n: string }>(
          "SELECT count(*) AS n FROM notifications WHERE request_id LIKE 'e2e-200-%' AND status = 'delivered'",
        );
        return Number(rows[0]?.n);
      };
      await until(async () => (await delivered()) === 200, 30_000, '200 delivered in PostgreSQL');
    } finally {
      await client.end();
    }
    // Let any duplicate that might still be in flight arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const arrived = smtp.messages.slice(before);
    const byMessageId = new Map<string, number>();
    for (const m of arrived) byMessageId.set(m.messageId, (byMessageId.get(m.messageId) ?? 0) + 1);
    expect(arrived).toHaveLength(200);
    expect(byMessageId.size).toBe(200);
    expect([...byMessageId.values()].every((n) => n === 1)).toBe(true);
  });

  it('both exit 0 on SIGTERM', async () => {
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await within(api.exited, 20_000)).toBe(0);
    expect(await within(worker.exited, 20_000)).toBe(0);
  });
});
