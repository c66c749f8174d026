import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createPostgresStore, migrate, type PostgresNotificationStore } from '@notify/adapter-postgres';
import type { AttemptRecord, Notification } from '@notify/email-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test-support/postgres.js';
import { runToExit, sourceNodeArgs } from '../../../test-support/processes.js';
import { createTestVhost, queueDepths, type TestVhost } from '../../../test-support/rabbitmq.js';

// notify-dead-letters run from source as a real child process, on PostgreSQL and RabbitMQ.
const bin = fileURLToPath(new URL('../src/bin/dead-letters.ts', import.meta.url));

/** The CLI must end by itself: a pool or a broker connection left open would hang it. */
const runCli = (args: string[], env: Record<string, string>) =>
  runToExit(process.execPath, sourceNodeArgs(bin, args), { env, timeoutMs: 60_000 });

const T0 = Date.parse('2030-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

/** A notification record as the worker leaves it, written straight into PostgreSQL. */
function record(
  requestId: string,
  overrides: Partial<Notification> & { failedAt?: number } = {},
): Notification {
  const { failedAt = 10, ...rest } = overrides;
  const createdAt = at(0);
  const history: AttemptRecord[] = rest.history ?? [
    {
      attempt: 1,
      at: at(failedAt),
      outcome: 'failed',
      errorCode: 'SMTP_PERMANENT',
      error: '550 5.1.1 no such user',
    },
  ];
  return {
    id: randomUUID(),
    requestId,
    userId: 'alice',
    toEmail: 'alice@example.com',
    templateCode: 'welcome_email',
    variables: { email: 'alice@example.com', name: 'Alice', link: 'https://example.com' },
    priority: 10,
    metadata: {},
    status: 'failed',
    attempts: history.filter((h) => h.outcome !== 'replayed' && h.outcome !== 'deferred').length,
    error: '550 5.1.1 no such user',
    errorCode: 'SMTP_PERMANENT',
    payloadHash: 'f'.repeat(64),
    correlationId: `corr-${requestId}`,
    leaseOwner: null,
    leaseUntil: null,
    publishedAt: at(0),
    nextAttemptAt: null,
    history,
    createdAt,
    updatedAt: at(failedAt),
    deliveredAt: null,
    ...rest,
  };
}

// Each case starts a few Node processes; on a loaded machine that takes seconds each.
describe('notify-dead-letters', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let store: PostgresNotificationStore;
  let env: Record<string, string>;

  beforeAll(async () => {
    [database, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
    await migrate({ connectionString: database.url });
    store = createPostgresStore({ connectionString: database.url });
    env = { DATABASE_URL: database.url, RABBITMQ_URL: vhost.url };
    const rows = [
      record('cli-a-1', { failedAt: 30 }),
      record('cli-a-2', {
        failedAt: 20,
        errorCode: 'RETRIES_EXHAUSTED',
        error: 'Retries exhausted after 3 attempts; last error SMTP_TRANSIENT: 451 try later',
        history: [
          { attempt: 1, at: at(1), outcome: 'retrying', errorCode: 'SMTP_TRANSIENT', error: '451 try later' },
          { attempt: 2, at: at(5), outcome: 'retrying', errorCode: 'SMTP_TRANSIENT', error: '451 try later' },
          {
            attempt: 3,
            at: at(20),
            outcome: 'failed',
            errorCode: 'RETRIES_EXHAUSTED',
            error: 'Retries exhausted after 3 attempts; last error SMTP_TRANSIENT: 451 try later',
          },
        ],
      }),
      record('cli-b-1', { failedAt: 10, userId: 'bob' }),
      record('cli-ok', {
        status: 'delivered',
        error: null,
        errorCode: null,
        deliveredAt: at(3),
        history: [{ attempt: 1, at: at(3), outcome: 'delivered' }],
      }),
      record('cli-carol-1', { userId: 'carol', failedAt: 11 }),
      record('cli-carol-2', { userId: 'carol', failedAt: 12 }),
      record('cli-carol-3', { userId: 'carol', failedAt: 13 }),
    ];
    for (const row of rows) await store.insert(row);
  });

  afterAll(async () => {
    await store?.close();
    await Promise.all([database?.drop(), vhost?.remove()]);
  });

  it('lists dead letters newest failure first, as a table and as JSON', async () => {
    const [tableRun, jsonRun, aliceRun] = await Promise.all([
      runCli(['list', '--limit', '3'], env),
      runCli(['list', '--json', '--limit', '3', '--page', '2'], env),
      runCli(['list', '--user-id', 'alice', '--json'], env),
    ]);
    expect(tableRun.code, tableRun.stderr).toBe(0);
    const lines = tableRun.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^REQUEST_ID\s+USER_ID\s+TEMPLATE\s+ATTEMPTS\s+ERROR_CODE\s+FAILED_AT\s+ERROR$/);
    expect(lines.slice(1, 4).map((line) => line.split(/\s+/)[0])).toEqual([
      'cli-a-1',
      'cli-a-2',
      'cli-carol-3',
    ]);
    expect(lines[2]).toContain('RETRIES_EXHAUSTED');
    expect(lines[1]).toContain('2030-03-01T10:00:30.000Z');
    expect(tableRun.stdout).toContain('Page 1 of 2 (6 dead letters). Next: --page 2');
    expect(tableRun.stdout).not.toContain('cli-ok');

    expect(jsonRun.code, jsonRun.stderr).toBe(0);
    const page2 = JSON.parse(jsonRun.stdout);
    expect(page2.items.map((d: { request_id: string }) => d.request_id)).toEqual([
      'cli-carol-2',
      'cli-carol-1',
      'cli-b-1',
    ]);
    expect(page2.meta).toEqual({
      total: 6,
      limit: 3,
      page: 2,
      total_pages: 2,
      has_next: false,
      has_previous: true,
    });
    expect(JSON.parse(aliceRun.stdout).items.map((d: { request_id: string }) => d.request_id)).toEqual([
      'cli-a-1',
      'cli-a-2',
    ]);
  });

  it('shows one dead letter with every attempt; an id that has not failed is exit 1', async () => {
    const [shown, json, delivered] = await Promise.all([
      runCli(['show', 'cli-a-2'], env),
      runCli(['show', 'cli-a-2', '--json'], env),
      runCli(['show', 'cli-ok'], env),
    ]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/error_code:\s+RETRIES_EXHAUSTED/);
    expect(shown.stdout).toMatch(/correlation_id:\s+corr-cli-a-2/);
    const history = shown.stdout.split('History:\n')[1]?.trim().split('\n') ?? [];
    expect(history).toHaveLength(4);
    expect(history[1]).toMatch(/^1\s+2030-03-01T10:00:01.000Z\s+retrying\s+SMTP_TRANSIENT\s+451 try later$/);
    expect(history[3]).toMatch(
      /^3\s+2030-03-01T10:00:20.000Z\s+failed\s+RETRIES_EXHAUSTED\s+Retries exhausted/,
    );

    expect(JSON.parse(json.stdout).history.map((h: { outcome: string }) => h.outcome)).toEqual([
      'retrying',
      'retrying',
      'failed',
    ]);
    expect(delivered.code).toBe(1);
    expect(delivered.stdout).toBe('');
    expect(delivered.stderr).toContain('NOT_FOUND');
    expect(delivered.stderr).toContain('its status is delivered');
  });

  it('replays one: stored queued with attempts 0 and history kept, published to email.queue', async () => {
    const before = (await queueDepths(vhost.vhost))['email.queue'] ?? 0;
    const replayed = await runCli(['replay', 'cli-b-1'], env);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toContain('Replayed cli-b-1: status queued, attempts 0');
    const stored = await store.getByRequestId('cli-b-1');
    expect(stored).toMatchObject({ status: 'queued', attempts: 0, error: null, errorCode: null });
    expect(stored?.history.map((h) => h.outcome)).toEqual(['failed', 'replayed']);
    // Confirmed by the broker before the CLI exited: published_at is set only after the confirm.
    expect(stored?.publishedAt).not.toBeNull();
    expect((await queueDepths(vhost.vhost))['email.queue']).toBe(before + 1);

    const again = await runCli(['replay', 'cli-b-1'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('NOT_REPLAYABLE');
    const unknown = await runCli(['replay', 'no-such-id', '--json'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('NOT_FOUND');
  });

  it('replays many with a filter and a limit, reporting counts', async () => {
    const run = await runCli(['replay-all', '--user-id', 'carol', '--limit', '2', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      matched: 3,
      replayed: 2,
      failed: 0,
      remaining: 1,
      request_ids: ['cli-carol-3', 'cli-carol-2'],
    });
    expect((await store.getByRequestId('cli-carol-1'))?.status).toBe('failed');
    expect((await store.getByRequestId('cli-carol-3'))?.status).toBe('queued');

    const table = await runCli(['replay-all', '--user-id', 'carol'], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('Replayed 1 of 1 matching dead letters (user_id=carol), limit 100.');
    expect(table.stdout).toContain('replayed cli-carol-1');
  });

  it('exits 2 on usage errors, attempting nothing', async () => {
    const runs = await Promise.all(
      // The parser's cases are in dead-letters-cli.test.ts; these are the process's exit codes,
      // including values only the use case refuses (VALIDATION_FAILED is a usage error).
      [
        ['frob'],
        ['show'],
        ['list', '--limit', '0'],
        ['list', '--error-code', 'not a code'],
        ['replay-all', '--limit', '5000'],
      ].map(async (args) => ({ args, run: await runCli(args, env) })),
    );
    for (const { args, run } of runs) {
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/^error: /);
      expect(run.stdout).toBe('');
    }
    expect((await store.getByRequestId('cli-carol-1'))?.status).toBe('queued');
    expect((await store.getByRequestId('cli-a-1'))?.status).toBe('failed');
  });

  it('exits 1 with a clear message when the store is missing or unreachable', async () => {
    const [unconfigured, unreachable] = await Promise.all([
      runCli(['list'], { RABBITMQ_URL: vhost.url }),
      runCli(['list'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', RABBITMQ_URL: vhost.url }),
    ]);
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.stderr).toContain('DATABASE_URL');
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('STORE_UNAVAILABLE');
    expect(unreachable.stderr).toContain('ECONNREFUSED');
  });
});
