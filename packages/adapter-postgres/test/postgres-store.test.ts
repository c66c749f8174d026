import type { ListFilter, ListPage } from '@notify/email-core';
import { NotifyError } from '@notify/email-core';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../../test-support/postgres.js';
import { createTestDatabase } from '../../../test-support/postgres.js';
import type { PostgresNotificationStore } from '../src/index.js';
import { createPostgresStore, migrate } from '../src/index.js';
import * as listQuery from '../src/list-query.js';
import { newNotification } from './fixtures.js';

describe('PostgresNotificationStore on a real PostgreSQL', () => {
  let db: TestDatabase;
  let admin: pg.Pool;
  let store: PostgresNotificationStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate({ connectionString: db.url });
    admin = new pg.Pool({ connectionString: db.url });
    store = createPostgresStore({ connectionString: db.url, max: 20 });
  });
  afterAll(async () => {
    await store?.close();
    await admin?.end();
    await db?.drop();
  });
  beforeEach(async () => {
    await admin.query('TRUNCATE notifications');
  });

  it('round-trips every field, jsonb and dates included', async () => {
    const original = newNotification({
      priority: 77,
      variables: { email: 'x@example.com', list: [1, 2, { deep: true }] },
      metadata: { tags: ['a'], nested: { n: 1 } },
      history: [
        {
          attempt: 1,
          at: new Date('2030-01-01T00:00:01.123Z'),
          outcome: 'retrying',
          errorCode: 'SMTP_TRANSIENT',
          error: '421',
        },
      ],
      leaseUntil: new Date('2030-01-01T00:05:00.000Z'),
      nextAttemptAt: new Date('2030-01-01T00:10:00.000Z'),
    });
    const inserted = await store.insert(original);
    expect(inserted).toEqual({ created: true, notification: original });
    expect(await store.getByRequestId(original.requestId)).toEqual(original);
    expect(await store.getByRequestId('nope')).toBeNull();
  });

  it('20 concurrent inserts of one request_id make one row; every caller sees the winner', async () => {
    const candidates = Array.from({ length: 20 }, (_, i) =>
      newNotification({ requestId: 'same-request', userId: `user-${i}` }),
    );
    const results = await Promise.all(candidates.map((n) => store.insert(n)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const winner = results.find((r) => r.created)!.notification;
    for (const r of results) expect(r.notification.id).toBe(winner.id);
    const { rows } = await admin.query(
      "SELECT count(*)::int AS n FROM notifications WHERE request_id = 'same-request'",
    );
    expect(rows[0].n).toBe(1);
  });

  describe('claim', () => {
    const now = new Date('2030-01-01T01:00:00.000Z');

    it('two stores on separate pools race for one record: exactly one wins', async () => {
      const other = createPostgresStore({ connectionString: db.url });
      try {
        for (let round = 0; round < 10; round++) {
          const n = await store.insert(newNotification());
          const requestId = n.notification.requestId;
          const [a, b] = await Promise.all([
            store.claim({ requestId, owner: 'worker-a', now, leaseMs: 60_000 }),
            other.claim({ requestId, owner: 'worker-b', now, leaseMs: 60_000 }),
          ]);
          const winners = [a, b].filter((x) => x !== null);
          expect(winners).toHaveLength(1);
          const row = await store.getByRequestId(requestId);
          expect(row?.leaseOwner).toBe(winners[0]!.leaseOwner);
        }
      } finally {
        await other.close();
      }
    });

    it('10 concurrent claimers: one winner holding the lease it was given', async () => {
      const { notification } = await store.insert(newNotification({ status: 'retrying' }));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.claim({ requestId: notification.requestId, owner: `w${i}`, now, leaseMs: 30_000 }),
        ),
      );
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toMatchObject({
        status: 'processing',
        leaseUntil: new Date(now.getTime() + 30_000),
        updatedAt: now,
      });
    });

    it('reclaims an expired lease, not a live one, and never a final record', async () => {
      const { notification } = await store.insert(newNotification());
      const requestId = notification.requestId;
      expect(await store.claim({ requestId, owner: 'a', now, leaseMs: 1000 })).not.toBeNull();
      const during = new Date(now.getTime() + 999);
      expect(await store.claim({ requestId, owner: 'b', now: during, leaseMs: 1000 })).toBeNull();
      const after = new Date(now.getTime() + 1000);
      expect(await store.claim({ requestId, owner: 'b', now: after, leaseMs: 1000 })).toMatchObject({
        leaseOwner: 'b',
      });
      await store.update(requestId, { status: ['processing'] }, { status: 'delivered' });
      expect(
        await store.claim({ requestId, owner: 'c', now: new Date('2031-01-01'), leaseMs: 1 }),
      ).toBeNull();
      expect(await store.claim({ requestId: 'unknown', owner: 'c', now, leaseMs: 1 })).toBeNull();
    });
  });

  describe('update', () => {
    it('applies the patch and appends history only while the guard holds', async () => {
      const { notification } = await store.insert(newNotification());
      const requestId = notification.requestId;
      await store.claim({ requestId, owner: 'w1', now: new Date('2030-01-01T00:00:10Z'), leaseMs: 60_000 });
      const at = new Date('2030-01-01T00:00:20Z');
      const entry = {
        attempt: 1,
        at,
        outcome: 'retrying' as const,
        errorCode: 'SMTP_TRANSIENT',
        error: '421 busy',
      };

      expect(
        await store.update(
          requestId,
          { status: ['processing'], leaseOwner: 'someone-else' },
          { status: 'failed' },
        ),
      ).toBeNull();
      expect(await store.update(requestId, { status: ['queued'] }, { status: 'failed' })).toBeNull();

      const updated = await store.update(
        requestId,
        { status: ['processing'], leaseOwner: 'w1' },
        {
          status: 'retrying',
          attempts: 1,
          error: '421 busy',
          errorCode: 'SMTP_TRANSIENT',
          leaseOwner: null,
          leaseUntil: null,
          publishedAt: null,
          nextAttemptAt: at,
          updatedAt: at,
          appendHistory: entry,
        },
      );
      expect(updated).toMatchObject({
        status: 'retrying',
        attempts: 1,
        leaseOwner: null,
        updatedAt: at,
        history: [entry],
      });

      const second = { attempt: 2, at, outcome: 'delivered' as const };
      const again = await store.update(
        requestId,
        { status: ['retrying'] },
        { status: 'delivered', appendHistory: second },
      );
      expect(again?.history).toEqual([entry, second]);
      // The error fields a patch does not mention are kept.
      expect(again?.errorCode).toBe('SMTP_TRANSIENT');
    });

    it('serialises concurrent guarded updates: one of two racing transitions applies', async () => {
      const { notification } = await store.insert(newNotification());
      const results = await Promise.all([
        store.update(notification.requestId, { status: ['queued'] }, { status: 'failed', errorCode: 'A' }),
        store.update(
          notification.requestId,
          { status: ['queued'] },
          { status: 'processing', errorCode: 'B' },
        ),
      ]);
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });
  });

  it('markPublished touches only queued/retrying records that are still unpublished', async () => {
    const first = new Date('2030-01-01T00:00:01Z');
    const queued = (await store.insert(newNotification())).notification;
    const already = (await store.insert(newNotification({ publishedAt: first }))).notification;
    const done = (await store.insert(newNotification({ status: 'delivered' }))).notification;
    const later = new Date('2030-01-01T00:00:09Z');
    await store.markPublished([queued.requestId, already.requestId, done.requestId, 'unknown'], later);
    expect((await store.getByRequestId(queued.requestId))?.publishedAt).toEqual(later);
    expect((await store.getByRequestId(already.requestId))?.publishedAt).toEqual(first);
    expect((await store.getByRequestId(done.requestId))?.publishedAt).toBeNull();
    await store.markPublished([], later);
  });

  it('findStranded returns unpublished-and-old and lease-expired records, oldest first, limited', async () => {
    const t = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));
    const oldUnpublished = newNotification({ createdAt: t(3), updatedAt: t(3) });
    const freshUnpublished = newNotification({ createdAt: t(1), updatedAt: t(50) });
    const published = newNotification({ createdAt: t(0), updatedAt: t(0), publishedAt: t(1) });
    const expired = newNotification({
      status: 'processing',
      createdAt: t(2),
      updatedAt: t(2),
      leaseOwner: 'w',
      leaseUntil: t(40),
    });
    const leased = newNotification({
      status: 'processing',
      createdAt: t(0),
      updatedAt: t(0),
      leaseOwner: 'w',
      leaseUntil: t(99),
    });
    const retrying = newNotification({ status: 'retrying', createdAt: t(5), updatedAt: t(5) });
    const failed = newNotification({ status: 'failed', createdAt: t(0), updatedAt: t(0) });
    for (const n of [oldUnpublished, freshUnpublished, published, expired, leased, retrying, failed])
      await store.insert(n);

    const query = { now: t(45), unpublishedBefore: t(10), limit: 10 };
    const found = await store.findStranded(query);
    expect(found.map((n) => n.requestId)).toEqual([
      expired.requestId,
      oldUnpublished.requestId,
      retrying.requestId,
    ]);
    const limited = await store.findStranded({ ...query, limit: 2 });
    expect(limited.map((n) => n.requestId)).toEqual([expired.requestId, oldUnpublished.requestId]);
  });

  describe('list', () => {
    it('filters, orders newest first (id breaks ties) and counts the whole filtered set', async () => {
      const t = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));
      const rows = [
        newNotification({ userId: 'u1', createdAt: t(1), status: 'delivered' }),
        newNotification({ userId: 'u1', createdAt: t(2), status: 'queued', templateCode: 'reset' }),
        newNotification({ userId: 'u1', createdAt: t(3), status: 'retrying' }),
        newNotification({ userId: 'u2', createdAt: t(4), status: 'queued' }),
        newNotification({ id: '00000000-0000-4000-8000-000000000001', userId: 'u1', createdAt: t(5) }),
        newNotification({ id: '00000000-0000-4000-8000-000000000002', userId: 'u1', createdAt: t(5) }),
      ];
      for (const n of rows) await store.insert(n);
      const ids = (r: { items: { requestId: string }[] }) => r.items.map((n) => n.requestId);

      const all = await store.list({ userId: 'u1' }, { limit: 3, offset: 0 });
      expect(all.total).toBe(5);
      expect(ids(all)).toEqual([rows[5]!.requestId, rows[4]!.requestId, rows[2]!.requestId]);

      const pending = await store.list(
        { userId: 'u1', statuses: ['queued', 'retrying'] },
        { limit: 10, offset: 1 },
      );
      expect(pending.total).toBe(4);
      expect(ids(pending)).toEqual([rows[4]!.requestId, rows[2]!.requestId, rows[1]!.requestId]);

      expect(ids(await store.list({ templateCode: 'reset' }, { limit: 10, offset: 0 }))).toEqual([
        rows[1]!.requestId,
      ]);
      expect(await store.list({}, { limit: 10, offset: 100 })).toEqual({ items: [], total: 6 });
      expect(await store.list({ userId: 'nobody' }, { limit: 10, offset: 0 })).toEqual({
        items: [],
        total: 0,
      });
    });

    describe('EXPLAIN on 20 000 rows with fresh statistics', () => {
      const { buildListSql } = listQuery;
      async function plan(filter: ListFilter, page: ListPage): Promise<string> {
        const sql = buildListSql(filter, page).page;
        const { rows } = await admin.query(`EXPLAIN (FORMAT JSON) ${sql.text}`, sql.values);
        return JSON.stringify(rows[0]['QUERY PLAN']);
      }

      beforeEach(async () => {
        // Many users, every status for each, error codes on failed rows: the planner's choice is real.
        await admin.query(`
          INSERT INTO notifications (id, request_id, user_id, to_email, template_code, status, error_code,
                                     payload_hash, correlation_id, created_at, updated_at)
          SELECT gen_random_uuid(), 'bulk-' || i, 'user-' || (i % 400), 'x@example.com', 'welcome', status,
                 CASE WHEN status = 'failed'
                      THEN (ARRAY['SMTP_PERMANENT','TEMPLATE_NOT_FOUND','RETRIES_EXHAUSTED','SMTP_TIMEOUT'])[1 + i % 4]
                 END,
                 'h', 'c', now() - i * interval '1 second', now() - i * interval '1 millisecond'
            FROM (SELECT i, (ARRAY['queued','processing','retrying','delivered','failed'])[1 + (i / 400) % 5] AS status
                    FROM generate_series(1, 20000) AS i) AS bulk`);
        await admin.query('ANALYZE notifications');
      });

      it('a user_id + status filter walks a user index, not the table', async () => {
        const explained = await plan(
          { userId: 'user-42', statuses: ['delivered'] },
          { limit: 20, offset: 0 },
        );
        expect(explained).toMatch(/"Index Name":"notifications_user_(status_)?created_idx"/);
        expect(explained).not.toContain('"Node Type":"Seq Scan"');
        // And the store answers that query correctly on the same data.
        const page = await store.list(
          { userId: 'user-42', statuses: ['delivered'] },
          { limit: 20, offset: 0 },
        );
        expect(page.total).toBe(10);
        expect(page.items.every((n) => n.userId === 'user-42' && n.status === 'delivered')).toBe(true);
      });

      it('dead-letter triage (failed, one error code, by updated_at) walks a 0002 index', async () => {
        const filter: ListFilter = { statuses: ['failed'], errorCode: 'SMTP_TIMEOUT' };
        const page: ListPage = { limit: 20, offset: 0, sortBy: 'updatedAt' };
        const explained = await plan(filter, page);
        expect(explained).toMatch(/"Index Name":"notifications_(error_code|status)_updated_idx"/);
        expect(explained).not.toContain('"Node Type":"Seq Scan"');
        const result = await store.list(filter, page);
        expect(result.total).toBe(1000);
        const times = result.items.map((n) => n.updatedAt.getTime());
        expect(times).toEqual([...times].sort((a, b) => b - a));
      });
    });
  });

  it('ping answers while the database is up', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('a statement over statementTimeoutMs fails as STORE_UNAVAILABLE', async () => {
    const impatient = createPostgresStore({ connectionString: db.url, statementTimeoutMs: 100 });
    const locker = await admin.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE notifications IN ACCESS EXCLUSIVE MODE');
      const failure = await impatient.getByRequestId('x').catch((e: unknown) => e);
      expect(NotifyError.is(failure) && failure.code).toBe('STORE_UNAVAILABLE');
      expect((failure as NotifyError).retryable).toBe(true);
      expect((failure as NotifyError & { cause: { code: string } }).cause.code).toBe('57014');
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
      await impatient.close();
    }
  });

  it('an injected pool is used and left open by close()', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      const embedded = createPostgresStore({ pool });
      const { notification } = await embedded.insert(newNotification());
      expect(embedded.pool).toBe(pool);
      await embedded.close();
      await expect(embedded.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      const { rows } = await pool.query('SELECT request_id FROM notifications WHERE id = $1', [
        notification.id,
      ]);
      expect(rows).toHaveLength(1);
    } finally {
      await pool.end();
    }
  });
});
