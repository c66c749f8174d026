import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultOf, runCommand } from '../../../test-support/packaging/run-command.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { createTestVhost, type TestVhost } from '../../../test-support/rabbitmq.js';
import { type SmtpPeer, startSmtpPeer } from '../../../test-support/smtp-peer.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));

describe('examples/embed-core on PostgreSQL, RabbitMQ and SMTP, run as its README says', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let peer: SmtpPeer;
  beforeAll(async () => {
    [database, vhost, peer] = await Promise.all([createTestDatabase(), createTestVhost(), startSmtpPeer()]);
  });
  afterAll(async () => {
    await Promise.all([database?.drop(), vhost?.remove(), peer?.close()]);
  });

  it('`pnpm start:real` migrates, accepts, and the SMTP server receives the email', async () => {
    const output = await runCommand('pnpm', ['start:real'], {
      cwd: exampleDir,
      timeoutMs: 90_000,
      env: {
        DATABASE_URL: database.url,
        RABBITMQ_URL: vhost.url,
        EMAIL_HOST: peer.host,
        EMAIL_PORT: String(peer.port),
        DEMO_USER_ID: 'user-stack-test',
      },
    });
    expect(output.code, output.stderr).toBe(0);
    expect(output.stdout).toMatch(/migrations applied: \d{3}/);
    expect(resultOf(output)).toMatchObject({
      status: 'delivered',
      request_id: 'welcome-user-stack-test',
      attempts: 1,
    });
    expect(peer.messages).toHaveLength(1);
    const [mail] = peer.messages;
    expect(mail?.subject).toBe('Welcome, Ada!');
    expect(mail?.to).toEqual(['ada@example.com']);
    expect(mail?.headers['x-request-id']).toBe('welcome-user-stack-test');
    expect(mail?.html).toContain('https://example.com/verify/user-stack-test');
  }, 120_000);
});
