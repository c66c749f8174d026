import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackagesBuilt } from '../../../test-support/packaging/built-packages.js';
import { resultOf, runCommand } from '../../../test-support/packaging/run-command.js';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { createTestVhost, type TestVhost } from '../../../test-support/rabbitmq.js';
import { type SmtpPeer, startSmtpPeer } from '../../../test-support/smtp-peer.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));

describe('examples/stock-service on PostgreSQL, RabbitMQ and SMTP, run as its README says', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let peer: SmtpPeer;
  beforeAll(async () => {
    await ensurePackagesBuilt(); // the README's `pnpm build`
    [database, vhost, peer] = await Promise.all([createTestDatabase(), createTestVhost(), startSmtpPeer()]);
  }, 600_000);
  afterAll(async () => {
    await Promise.all([database?.drop(), vhost?.remove(), peer?.close()]);
  });

  it('notify-migrate, notify-api and two notify-worker processes deliver the seed request', async () => {
    const output = await runCommand('pnpm', ['start'], {
      cwd: exampleDir,
      timeoutMs: 120_000,
      env: {
        PORT: '0',
        DATABASE_URL: database.url,
        RABBITMQ_URL: vhost.url,
        EMAIL_HOST: peer.host,
        EMAIL_PORT: String(peer.port),
        EMAIL_FROM: 'Notify <noreply@example.com>',
        WORKERS: '2',
      },
    });
    expect(output.code, `${output.stdout}\n${output.stderr}`).toBe(0);
    expect(output.stdout).toContain('notify-migrate: database is up to date');
    const result = resultOf(output);
    expect(result).toMatchObject({ mode: 'separate', status: 'delivered', attempts: 1, health: 200 });
    expect(result.exit_codes).toEqual([0, 0, 0]);
    expect(peer.messages).toHaveLength(1);
    expect(peer.messages[0]?.subject).toBe('Welcome to Our Platform');
    expect(peer.messages[0]?.headers['x-request-id']).toBe(result.request_id);
  }, 150_000);
});
