import { randomUUID } from 'node:crypto';
import type { AttemptRecord, Notification, NotificationPatch, UpdateGuard } from '@notify/email-core';
import { NotifyError } from '@notify/email-core';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../../test-support/postgres.js';
import { createTestDatabase } from '../../../test-support/postgres.js';
import { rejectionBy, thrownBy } from '../../../test-support/thrown.js';
import type { PostgresNotificationStore, PostgresStoreOptions } from '../src/index.js';
import { createPostgresStore, migrate } from '../src/index.js';
import { fromRow, type NotificationRow } from '../src/row-mapping.js';
import { newNotification } from './fixtures.js';

/** One statement the store sent through the counted pool. */
interface Sent {
  text: string;
  values: unknown[];
  /** The prepared statement's name, when the store sent one. */
  name?: string;
}

const now = new Date('2030-01-01T01:00:00.000Z');
const at = (ms: number) => new Date(now.getTime() + ms);
/** What the store's clock says; stamps `updatedAt` when a patch carries none. */
const clockNow = new Date('2030-06-01T00:00:00.000Z');

describe('claim() and update() group commit on a real PostgreSQL', () => {
  let db: TestDatabase;
  /** Seeds and reads behind the store's back: never counted. */
  let admin: pg.Pool;
  /** The pool the stores run on, its query() wrapped to record every statement. */
  let counted: pg.Pool;
  let sent: Sent[];
  let store: PostgresNotificationStore;
  const extraStores: PostgresNotificationStore[] = [];

  /** A store on the counted pool (the store never ends an injected pool). */
  function storeWith(options: Omit<PostgresStoreOptions, 'pool'> = {}): PostgresNotificationStore {
    const created = createPostgresStore({ pool: counted, clock: { now: () => clockNow }, ...options });
    extraStores.push(created);
    return created;
  }

  /** Items each recorded statement carried (its JSON recordset parameter). */
  const itemsPerStatement = () => sent.map((s) => (JSON.parse(s.values[0] as string) as unknown[]).length);

  async function seed(...notifications: Notification[]): Promise<void> {
    const results = await Promise.all(notifications.map((n) => store.insert(n)));
    expect(results.every((r) => r.created)).toBe(true);
    sent = [];
  }

  async function readRow(requestId: string): Promise<Notification | null> {
    const { rows } = await admin.query<NotificationRow>('SELECT * FROM notifications WHERE request_id = $1', [
      requestId,
    ]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate({ connectionString: db.url });
    admin = new pg.Pool({ connectionString: db.url, max: 2 });
    counted = new pg.Pool({ connectionString: db.url, max: 4 });
    const query = counted.query.bind(counted) as (...args: unknown[]) => Promise<unknown>;
    (counted as unknown as { query: typeof query }).query = (...args) => {
      // A named (prepared) statement arrives as one config object, a plain one as text + values.
      const config = args[0] as string | { name?: string; text: string; values?: unknown[] };
      sent.push(
        typeof config === 'string'
          ? { text: config, values: (args[1] ?? []) as unknown[] }
          : { text: config.text, values: config.values ?? [], name: config.name },
      );
      return query(...args);
    };
    store = storeWith();
  });
  afterAll(async () => {
    for (const s of extraStores) await s.close();
    await counted?.end();
    await admin?.end();
    await db?.drop();
  });
  beforeEach(async () => {
    sent = [];
    await admin.query('TRUNCATE notifications');
  });

  describe('claim', () => {
    it('50 concurrent claims of 50 records: one statement or so, each caller its own record and lease', async () => {
      const records = Array.from({ length: 50 }, () => newNotification());
      await seed(...records);
      const results = await Promise.all(
        records.map((n, i) =>
          store.claim({ requestId: n.requestId, owner: `worker-${i}`, now, leaseMs: 1000 * (i + 1) }),
        ),
      );
      expect(sent.length).toBeLessThanOrEqual(5);
      expect(itemsPerStatement().reduce((a, b) => a + b, 0)).toBe(50);
      results.forEach((claimed, i) => {
        expect(claimed).toMatchObject({
          id: records[i]!.id,
          requestId: records[i]!.requestId,
          status: 'processing',
          leaseOwner: `worker-${i}`,
          leaseUntil: at(1000 * (i + 1)),
          updatedAt: now,
        });
      });
      const { rows } = await admin.query<{ request_id: string; status: string; lease_owner: string }>(
        'SELECT request_id, status, lease_owner FROM notifications',
      );
      const byRequest = new Map(rows.map((r) => [r.request_id, r]));
      records.forEach((n, i) => {
        expect(byRequest.get(n.requestId)).toMatchObject({
          status: 'processing',
          lease_owner: `worker-${i}`,
        });
      });
    });

    it('two concurrent claims of one record go in two statements: the first wins, the second gets null', async () => {
      const record = newNotification();
      await seed(record);
      const [a, b] = await Promise.all([
        store.claim({ requestId: record.requestId, owner: 'worker-a', now, leaseMs: 60_000 }),
        store.claim({ requestId: record.requestId, owner: 'worker-b', now, leaseMs: 60_000 }),
      ]);
      expect([a, b].filter((r) => r !== null)).toHaveLength(1);
      // onePerKey: the second claim waits for the next statement and sees the first one's lease.
      expect(a?.leaseOwner).toBe('worker-a');
      expect(b).toBeNull();
      expect((await readRow(record.requestId))?.leaseOwner).toBe('worker-a');
      expect(itemsPerStatement()).toEqual([1, 1]);
    });

    it('one batch skips final records and live leases and reclaims expired or lease-less ones', async () => {
      const queued = newNotification();
      const retrying = newNotification({ status: 'retrying', attempts: 1 });
      const delivered = newNotification({ status: 'delivered', attempts: 1, deliveredAt: at(-5000) });
      const failed = newNotification({ status: 'failed', attempts: 3 });
      // The lease boundary: a lease ending exactly now has expired; one ending 1 ms later has not.
      const live = newNotification({ status: 'processing', leaseOwner: 'holder', leaseUntil: at(1) });
      const expired = newNotification({ status: 'processing', leaseOwner: 'holder', leaseUntil: now });
      const leaseless = newNotification({ status: 'processing' });
      const all = { queued, retrying, delivered, failed, live, expired, leaseless };
      await seed(...Object.values(all));
      const before = new Map(
        await Promise.all(
          Object.values(all).map(async (n) => [n.requestId, await readRow(n.requestId)] as const),
        ),
      );

      const names = [...Object.keys(all), 'unknown'] as Array<keyof typeof all | 'unknown'>;
      const results = await Promise.all(
        names.map((name) =>
          store.claim({
            requestId: name === 'unknown' ? 'no-such-request' : all[name].requestId,
            owner: `claimer-${name}`,
            now,
            leaseMs: 30_000,
          }),
        ),
      );
      expect(sent).toHaveLength(1);
      const got = Object.fromEntries(names.map((name, i) => [name, results[i]?.leaseOwner ?? null]));
      expect(got).toEqual({
        queued: 'claimer-queued',
        retrying: 'claimer-retrying',
        delivered: null,
        failed: null,
        live: null,
        expired: 'claimer-expired',
        leaseless: 'claimer-leaseless',
        unknown: null,
      });
      for (const name of ['queued', 'retrying', 'expired', 'leaseless'] as const) {
        expect(await readRow(all[name].requestId)).toMatchObject({
          status: 'processing',
          leaseOwner: `claimer-${name}`,
          leaseUntil: at(30_000),
          updatedAt: now,
        });
      }
      for (const name of ['delivered', 'failed', 'live'] as const) {
        expect(await readRow(all[name].requestId)).toEqual(before.get(all[name].requestId));
      }
    });
  });

  describe('update', () => {
    const entry = (
      attempt: number,
      outcome: AttemptRecord['outcome'],
      extra: Partial<AttemptRecord> = {},
    ) => ({
      attempt,
      at: at(attempt * 1000),
      outcome,
      ...extra,
    });

    it('40 concurrent updates of different shapes share a statement, each applied as its own patch', async () => {
      const oldEntry = entry(1, 'retrying', { errorCode: 'OLD', error: 'old error' });
      const published = at(-60_000);
      const nextBefore = at(-30_000);
      const leaseUntil = at(60_000);
      // A: delivered by their lease owner, clearing the error an earlier attempt left.
      const groupA = Array.from({ length: 10 }, () =>
        newNotification({
          status: 'processing',
          attempts: 1,
          error: 'old error',
          errorCode: 'OLD',
          leaseOwner: 'w-a',
          leaseUntil,
          publishedAt: published,
          nextAttemptAt: nextBefore,
          history: [oldEntry],
        }),
      );
      // B: a transient failure by their lease owner; unpublished for the next attempt.
      const groupB = Array.from({ length: 10 }, () =>
        newNotification({ status: 'processing', leaseOwner: 'w-b', leaseUntil, publishedAt: published }),
      );
      // C: someone else's lease: the guard does not hold.
      const groupC = Array.from({ length: 10 }, () =>
        newNotification({ status: 'processing', leaseOwner: 'w-c', leaseUntil }),
      );
      // D: no lease in the guard; the first five match its status, the last five do not.
      const groupD = Array.from({ length: 10 }, () => newNotification({ status: 'queued' }));
      await seed(...groupA, ...groupB, ...groupC, ...groupD);
      const before = new Map<string, Notification | null>();
      for (const n of [...groupC, ...groupD.slice(5)]) before.set(n.requestId, await readRow(n.requestId));

      const deliveredAt = at(2000);
      const patchA: NotificationPatch = {
        status: 'delivered',
        attempts: 2,
        deliveredAt,
        error: null,
        errorCode: null,
        leaseOwner: null,
        leaseUntil: null,
        updatedAt: deliveredAt,
        appendHistory: entry(2, 'delivered'),
      };
      const nextAttemptAt = at(120_000);
      const patchB: NotificationPatch = {
        status: 'retrying',
        error: 'x',
        errorCode: 'SMTP_TRANSIENT',
        nextAttemptAt,
        publishedAt: null,
      };
      const patchD: NotificationPatch = {
        status: 'failed',
        errorCode: 'TEMPLATE_NOT_FOUND',
        appendHistory: entry(1, 'failed', { errorCode: 'TEMPLATE_NOT_FOUND' }),
      };
      type Call = [Notification, UpdateGuard, NotificationPatch];
      const calls: Call[] = [
        ...groupA.map((n): Call => [n, { status: ['processing'], leaseOwner: 'w-a' }, patchA]),
        ...groupB.map((n): Call => [n, { status: ['processing'], leaseOwner: 'w-b' }, patchB]),
        ...groupC.map((n): Call => [n, { status: ['processing'], leaseOwner: 'intruder' }, patchA]),
        ...groupD.slice(0, 5).map((n): Call => [n, { status: ['queued', 'retrying'] }, patchD]),
        ...groupD.slice(5).map((n): Call => [n, { status: ['retrying'] }, patchD]),
      ];
      // Interleaved, so a mix-up between neighbours in the batch cannot go unnoticed.
      const order = calls.map((_, i) => (i % 4) * 10 + Math.floor(i / 4));
      const results = await Promise.all(
        order.map((k) => store.update(calls[k]![0].requestId, calls[k]![1], calls[k]![2])),
      );
      expect(sent.length).toBeLessThanOrEqual(5);
      const resultOf = new Map(order.map((k, i) => [calls[k]![0].requestId, results[i]]));

      for (const n of groupA) {
        const expected = {
          ...n,
          status: 'delivered',
          attempts: 2,
          deliveredAt,
          error: null,
          errorCode: null,
          leaseOwner: null,
          leaseUntil: null,
          updatedAt: deliveredAt,
          // Kept: not in the patch.
          publishedAt: published,
          nextAttemptAt: nextBefore,
          history: [oldEntry, entry(2, 'delivered')],
        };
        expect(resultOf.get(n.requestId)).toEqual(expected);
        expect(await readRow(n.requestId)).toEqual(expected);
      }
      for (const n of groupB) {
        const expected = {
          ...n,
          status: 'retrying',
          error: 'x',
          errorCode: 'SMTP_TRANSIENT',
          nextAttemptAt,
          publishedAt: null,
          // No updatedAt in the patch: the store's clock. The lease and attempts are kept.
          updatedAt: clockNow,
          leaseOwner: 'w-b',
          leaseUntil,
          attempts: 0,
          history: [],
        };
        expect(resultOf.get(n.requestId)).toEqual(expected);
        expect(await readRow(n.requestId)).toEqual(expected);
      }
      for (const n of groupD.slice(0, 5)) {
        const expected = {
          ...n,
          status: 'failed',
          errorCode: 'TEMPLATE_NOT_FOUND',
          updatedAt: clockNow,
          history: [entry(1, 'failed', { errorCode: 'TEMPLATE_NOT_FOUND' })],
        };
        expect(resultOf.get(n.requestId)).toEqual(expected);
        expect(await readRow(n.requestId)).toEqual(expected);
      }
      for (const n of [...groupC, ...groupD.slice(5)]) {
        expect(resultOf.get(n.requestId)).toBeNull();
        expect(await readRow(n.requestId)).toEqual(before.get(n.requestId));
      }
    });

    it('chained updates of one record go one statement each, in submission order, beside a batch of others', async () => {
      const record = newNotification({ status: 'processing', leaseOwner: 'w1', leaseUntil: at(60_000) });
      const others = Array.from({ length: 10 }, () => newNotification());
      await seed(record, ...others);
      const id = record.requestId;
      const deferred = entry(1, 'deferred');
      const delivered = entry(2, 'delivered');
      // Each guard holds only after the previous update applied. (Submission order is kept with the
      // default maxConcurrentUpdates of 1: with more, a record's next statement can leave while its
      // previous one is still in flight.)
      const results = await Promise.all([
        store.update(
          id,
          { status: ['processing'], leaseOwner: 'w1' },
          { status: 'retrying', leaseOwner: null, leaseUntil: null, appendHistory: deferred },
        ),
        ...others.map((n) => store.update(n.requestId, { status: ['queued'] }, { errorCode: 'TOUCHED' })),
        store.update(
          id,
          { status: ['retrying'] },
          { status: 'processing', leaseOwner: 'w2', leaseUntil: at(90_000) },
        ),
        store.update(
          id,
          { status: ['processing'], leaseOwner: 'w2' },
          { status: 'delivered', attempts: 1, leaseOwner: null, leaseUntil: null, appendHistory: delivered },
        ),
      ]);
      expect(results.every((r) => r !== null)).toBe(true);
      expect(results[0]).toMatchObject({ status: 'retrying', leaseOwner: null, history: [deferred] });
      expect(results[11]).toMatchObject({ status: 'processing', leaseOwner: 'w2', leaseUntil: at(90_000) });
      expect(results[12]).toMatchObject({ status: 'delivered', attempts: 1, history: [deferred, delivered] });
      expect(await readRow(id)).toMatchObject({
        status: 'delivered',
        leaseOwner: null,
        history: [deferred, delivered],
      });
      for (const n of others) expect((await readRow(n.requestId))?.errorCode).toBe('TOUCHED');
      // The record's first update rides with the others; each later one waits for its own statement.
      expect(itemsPerStatement()).toEqual([11, 1, 1]);
    });

    it("with several statements in flight, a record's second write still waits for its first", async () => {
      const concurrent = storeWith({ maxConcurrentUpdates: 4 });
      const suffix = randomUUID();
      const a = newNotification({ requestId: `order-a-${suffix}` });
      const b = newNotification({ requestId: `order-b-${suffix}` });
      await seed(a, b);
      // Someone else holds a's row, so the statement carrying a's and b's first writes stops at a
      // with b not yet written. b's second write must not overtake it in a statement of its own.
      const blocker = await admin.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('SELECT 1 FROM notifications WHERE request_id = $1 FOR UPDATE', [a.requestId]);
        const writes = [
          concurrent.update(a.requestId, { status: ['queued'] }, { status: 'retrying', error: 'first' }),
          concurrent.update(b.requestId, { status: ['queued'] }, { status: 'retrying', error: 'first' }),
          concurrent.update(b.requestId, { status: ['retrying'] }, { status: 'failed', error: 'second' }),
        ];
        await new Promise((resolve) => setTimeout(resolve, 300));
        await blocker.query('COMMIT');
        const results = await Promise.all(writes);
        expect(results.map((r) => r?.status)).toEqual(['retrying', 'retrying', 'failed']);
      } finally {
        blocker.release();
      }
      expect((await readRow(b.requestId))?.status).toBe('failed');
    });

    it('an update PostgreSQL rejects fails alone; the rest of its batch applies', async () => {
      const records = Array.from({ length: 5 }, () => newNotification());
      await seed(...records);
      const bad = records[2]!;
      const updates = records.map((n) =>
        store.update(
          n.requestId,
          { status: ['queued'] },
          // notifications_attempts_check: attempts >= 0.
          { status: 'retrying', attempts: n === bad ? -1 : 1, error: 'e' },
        ),
      );
      const failure = await rejectionBy(updates[2]!, NotifyError.is);
      expect(failure.code).toBe('INTERNAL');
      const cause = failure.cause as { code?: string; constraint?: string };
      expect(cause).toMatchObject({ code: '23514', constraint: 'notifications_attempts_check' });
      const applied = await Promise.all(updates.filter((_, i) => i !== 2));
      expect(applied.map((u) => u?.requestId)).toEqual(
        records.filter((n) => n !== bad).map((n) => n.requestId),
      );
      expect(applied.every((u) => u?.status === 'retrying' && u.attempts === 1)).toBe(true);
      for (const n of records) {
        expect(await readRow(n.requestId)).toMatchObject(
          n === bad ? { status: 'queued', attempts: 0, error: null } : { status: 'retrying', attempts: 1 },
        );
      }
      // The batch of five failed as a whole, then went again one by one.
      expect(itemsPerStatement()).toEqual([5, 1, 1, 1, 1, 1]);
    });
  });

  describe('EXPLAIN on 20 000 rows with fresh statistics', () => {
    beforeEach(async () => {
      await admin.query(`
        INSERT INTO notifications (id, request_id, user_id, to_email, template_code, status,
                                   payload_hash, correlation_id, created_at, updated_at)
        SELECT gen_random_uuid(), 'bulk-' || i, 'user-' || (i % 400), 'x@example.com', 'welcome',
               (ARRAY['queued','processing','retrying','delivered','failed'])[1 + (i / 400) % 5],
               'h', 'c', now() - i * interval '1 second', now() - i * interval '1 millisecond'
          FROM generate_series(1, 20000) AS i`);
      await admin.query('ANALYZE notifications');
      sent = [];
    });

    /** The tables a plan reads by sequential scan. */
    function seqScannedTables(planJson: string): string[] {
      const tables: string[] = [];
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node !== null && typeof node === 'object') {
          const record = node as Record<string, unknown>;
          if (record['Node Type'] === 'Seq Scan') tables.push(String(record['Relation Name']));
          Object.values(record).forEach(walk);
        }
      };
      walk(JSON.parse(planJson));
      return tables;
    }

    async function plan(statement: Sent): Promise<string> {
      const { rows } = await admin.query(`EXPLAIN (FORMAT JSON) ${statement.text}`, statement.values);
      return JSON.stringify(rows[0]['QUERY PLAN']);
    }

    it('the claim and the update statements find their rows through notifications_request_id_key', async () => {
      // bulk-1 … bulk-50 are queued.
      const ids = Array.from({ length: 50 }, (_, i) => `bulk-${i + 1}`);
      const claimed = await Promise.all(
        ids.map((requestId) => store.claim({ requestId, owner: 'w', now, leaseMs: 1000 })),
      );
      expect(claimed.every((c) => c !== null)).toBe(true);
      expect(sent).toHaveLength(1);
      const claimStatement = sent[0]!;
      sent = [];
      const updated = await Promise.all(
        ids.map((requestId) =>
          store.update(
            requestId,
            { status: ['processing'], leaseOwner: 'w' },
            { status: 'delivered', attempts: 1 },
          ),
        ),
      );
      expect(updated.every((u) => u?.status === 'delivered')).toBe(true);
      expect(sent).toHaveLength(1);
      const updateStatement = sent[0]!;
      expect(updateStatement.text).not.toBe(claimStatement.text);

      for (const statement of [claimStatement, updateStatement]) {
        const explained = await plan(statement);
        expect(explained).toContain('"Index Name":"notifications_request_id_key"');
        // The webhook fan-out reads webhook_endpoints whole (a handful of rows: a scan is right);
        // notifications never.
        expect(seqScannedTables(explained)).not.toContain('notifications');
      }
    });
  });

  describe('preparedStatements', () => {
    it('on by default: claims and updates go as named statements; off: as plain ones, with the same results', async () => {
      for (const prepared of [true, false]) {
        const target = prepared ? store : storeWith({ preparedStatements: false });
        const records = Array.from({ length: 3 }, () => newNotification());
        await seed(...records);
        const claimed = await Promise.all(
          records.map((n) => target.claim({ requestId: n.requestId, owner: 'w', now, leaseMs: 60_000 })),
        );
        expect(claimed.every((c) => c?.status === 'processing')).toBe(true);
        const updated = await target.update(
          records[0]!.requestId,
          { status: ['processing'], leaseOwner: 'w' },
          { status: 'delivered', deliveredAt: now, leaseOwner: null, leaseUntil: null },
        );
        expect(updated?.status).toBe('delivered');
        const names = sent.map((s) => s.name);
        expect(names, `preparedStatements ${prepared}`).toEqual(
          prepared ? ['notify_claim_batch', 'notify_update_batch'] : [undefined, undefined],
        );
        sent = [];
      }
    });
  });

  describe('maxUpdateBatch', () => {
    it('1 sends every claim and every update alone', async () => {
      const single = storeWith({ maxUpdateBatch: 1 });
      const records = Array.from({ length: 50 }, () => newNotification());
      await seed(...records);
      const claimed = await Promise.all(
        records.map((n, i) => single.claim({ requestId: n.requestId, owner: `w${i}`, now, leaseMs: 1000 })),
      );
      expect(claimed.map((c) => c?.leaseOwner)).toEqual(records.map((_, i) => `w${i}`));
      expect(sent).toHaveLength(50);
      sent = [];
      const updated = await Promise.all(
        records
          .slice(0, 20)
          .map((n, i) =>
            single.update(n.requestId, { status: ['processing'], leaseOwner: `w${i}` }, { attempts: 1 }),
          ),
      );
      expect(updated.every((u) => u?.attempts === 1)).toBe(true);
      expect(sent).toHaveLength(20);
    });

    it('caps the items in a statement; the rest wait for the next one', async () => {
      const capped = storeWith({ maxUpdateBatch: 10 });
      const records = Array.from({ length: 45 }, () => newNotification());
      await seed(...records);
      const claimed = await Promise.all(
        records.map((n) => capped.claim({ requestId: n.requestId, owner: 'w', now, leaseMs: 1000 })),
      );
      expect(claimed.every((c) => c !== null)).toBe(true);
      expect(itemsPerStatement()).toEqual([10, 10, 10, 10, 5]);
    });
  });
});

describe('PostgresStoreOptions for update batching', () => {
  it.each([
    [{ maxUpdateBatch: 0 }, 'maxUpdateBatch'],
    [{ maxUpdateBatch: 1.5 }, 'maxUpdateBatch'],
    [{ maxConcurrentUpdates: 0 }, 'maxConcurrentUpdates'],
    [{ preparedStatements: 'yes' as unknown as boolean }, 'preparedStatements'],
  ])('%j → CONFIG_INVALID naming %s', (options, key) => {
    const error = thrownBy(
      () => createPostgresStore({ connectionString: 'postgres://h/db', ...options }),
      NotifyError.is,
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`PostgresStoreOptions.${key}`);
    expect(error.details?.[0]?.path).toBe(key);
  });
});
