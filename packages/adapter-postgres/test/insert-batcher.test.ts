import { NotifyError } from '@notify/email-core';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../../test-support/postgres.js';
import { createTestDatabase } from '../../../test-support/postgres.js';
import { createPostgresStore, migrate } from '../src/index.js';
import { InsertBatcher, MAX_ROWS_PER_INSERT } from '../src/insert-batcher.js';
import type { NotificationRow } from '../src/row-mapping.js';
import { newNotification } from './fixtures.js';

describe('InsertBatcher (group commit) on a real PostgreSQL', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  /** Rows per statement, in the order the statements were sent. */
  let statements: number[];

  /** The real statement runner, counting how many rows each statement carried. */
  const run = async (text: string, values: unknown[]): Promise<NotificationRow[]> => {
    statements.push((text.match(/\(\$/g) ?? []).length);
    try {
      return (await pool.query<NotificationRow>(text, values)).rows;
    } catch (error) {
      throw new NotifyError('INTERNAL', 'insert failed', { cause: error, retryable: false });
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate({ connectionString: db.url });
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });
  beforeEach(async () => {
    statements = [];
    await pool.query('TRUNCATE notifications');
  });

  const rowCount = async () =>
    Number((await pool.query('SELECT count(*) AS n FROM notifications')).rows[0].n);

  it('commits 100 concurrent inserts in one statement, each caller getting its own row', async () => {
    const batcher = new InsertBatcher(run, { maxRows: 256, maxConcurrent: 1 });
    const notifications = Array.from({ length: 100 }, () => newNotification());
    const rows = await Promise.all(notifications.map((n) => batcher.insert(n)));
    expect(statements).toEqual([100]);
    expect(rows.map((r) => r?.id)).toEqual(notifications.map((n) => n.id));
    expect(rows.map((r) => r?.request_id)).toEqual(notifications.map((n) => n.requestId));
    expect(await rowCount()).toBe(100);
  });

  it('sends a lone insert at once, in a statement of its own', async () => {
    const batcher = new InsertBatcher(run, { maxRows: 256, maxConcurrent: 1 });
    const n = newNotification();
    expect((await batcher.insert(n))?.id).toBe(n.id);
    expect(statements).toEqual([1]);
  });

  it('never puts more than maxRows in a statement; later inserts wait for a free slot', async () => {
    const batcher = new InsertBatcher(run, { maxRows: 3, maxConcurrent: 1 });
    const rows = await Promise.all(Array.from({ length: 10 }, () => batcher.insert(newNotification())));
    expect(rows.every((r) => r !== null)).toBe(true);
    expect(statements).toEqual([3, 3, 3, 1]);
    expect(await rowCount()).toBe(10);
  });

  it('inserts arriving while a statement is in flight share the next one', async () => {
    const batcher = new InsertBatcher(run, { maxRows: 256, maxConcurrent: 1 });
    const first = batcher.insert(newNotification());
    // Give the first statement time to leave, then send 50 more while it may still be running.
    await new Promise((resolve) => setImmediate(resolve));
    const rest = Array.from({ length: 50 }, () => batcher.insert(newNotification()));
    await Promise.all([first, ...rest]);
    expect(statements[0]).toBe(1);
    expect(statements.slice(1).reduce((a, b) => a + b, 0)).toBe(50);
    expect(statements.length).toBeLessThanOrEqual(3);
  });

  it('tells exactly one of two callers sharing a request_id in one statement that it created the row', async () => {
    const batcher = new InsertBatcher(run, { maxRows: 256, maxConcurrent: 1 });
    const a = newNotification({ requestId: 'shared', userId: 'a' });
    const b = newNotification({ requestId: 'shared', userId: 'b' });
    const [ra, rb] = await Promise.all([batcher.insert(a), batcher.insert(b)]);
    expect(statements).toEqual([2]);
    const winners = [ra, rb].filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    const stored = await pool.query('SELECT id FROM notifications WHERE request_id = $1', ['shared']);
    expect(stored.rows).toEqual([{ id: winners[0]?.id }]);
  });

  it('answers null for a request_id committed earlier, like a single-row insert', async () => {
    const batcher = new InsertBatcher(run, { maxRows: 256, maxConcurrent: 1 });
    const original = newNotification();
    await batcher.insert(original);
    expect(await batcher.insert(newNotification({ requestId: original.requestId }))).toBeNull();
  });

  it('a row PostgreSQL rejects fails alone; the others in its statement are committed', async () => {
    const batcher = new InsertBatcher(run, { maxRows: 256, maxConcurrent: 1 });
    // jsonb refuses the NUL character (SQLSTATE 22P05), which the whole statement would share.
    const bad = newNotification({ variables: { email: 'x@example.com', name: 'nul\u0000byte' } });
    const good = Array.from({ length: 4 }, () => newNotification());
    const outcomes = await Promise.allSettled([...good, bad].map((n) => batcher.insert(n)));
    expect(outcomes.slice(0, 4).map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    const failed = outcomes[4] as PromiseRejectedResult;
    expect(failed.status).toBe('rejected');
    expect(NotifyError.is(failed.reason) && failed.reason.code).toBe('INTERNAL');
    expect(statements[0]).toBe(5);
    expect(await rowCount()).toBe(4);
  });

  it('an unavailable store fails the whole statement at once, without retrying row by row', async () => {
    const calls: number[] = [];
    const down = async (text: string) => {
      calls.push((text.match(/\(\$/g) ?? []).length);
      throw new NotifyError('STORE_UNAVAILABLE', 'down');
    };
    const batcher = new InsertBatcher(down, { maxRows: 256, maxConcurrent: 1 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => batcher.insert(newNotification())),
    );
    expect(outcomes.every((o) => o.status === 'rejected' && NotifyError.is(o.reason))).toBe(true);
    expect(calls).toEqual([5]);
  });

  it('the store commits 300 concurrent accepts in far fewer statements than rows, all created', async () => {
    // A real pool whose query() counts the statements the store sends through it.
    const counted = new pg.Pool({ connectionString: db.url, max: 4 });
    const query = counted.query.bind(counted) as (...args: unknown[]) => Promise<unknown>;
    let sent = 0;
    (counted as unknown as { query: typeof query }).query = (...args) => {
      sent += 1;
      return query(...args);
    };
    const store = createPostgresStore({ pool: counted });
    try {
      const results = await Promise.all(Array.from({ length: 300 }, () => store.insert(newNotification())));
      expect(results.every((r) => r.created)).toBe(true);
      expect(new Set(results.map((r) => r.notification.id)).size).toBe(300);
      expect(await rowCount()).toBe(300);
      expect(sent).toBeLessThan(30);
    } finally {
      await store.close();
      await counted.end();
    }
  });
});

describe('PostgresStoreOptions for insert batching', () => {
  it.each([
    [{ maxInsertBatch: 0 }, 'maxInsertBatch'],
    [{ maxInsertBatch: MAX_ROWS_PER_INSERT + 1 }, 'maxInsertBatch'],
    [{ maxConcurrentInserts: 1.5 }, 'maxConcurrentInserts'],
  ])('%j → CONFIG_INVALID naming %s', (options, key) => {
    let error: unknown;
    try {
      createPostgresStore({ connectionString: 'postgres://h/db', ...options });
    } catch (caught) {
      error = caught;
    }
    expect(NotifyError.is(error) && error.code).toBe('CONFIG_INVALID');
    expect(NotifyError.is(error) && error.details?.[0]?.path).toBe(key);
  });
});
