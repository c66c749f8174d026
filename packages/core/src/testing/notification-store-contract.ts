import assert from 'node:assert/strict';
import type { Notification } from '../domain/notification.js';
import type { NotificationStore } from '../ports/notification-store.js';
import {
  type BaseHarness,
  type ContractIt,
  caseNeeding,
  type Lacks,
  rejectsWithNotifyError,
  withHarness,
} from './contract-runner.js';
import { at, sampleNotification } from './sample-notification.js';

/**
 * What `makeStore` returns for each case. The store may be shared with other runs (one database
 * for the whole suite is fine): every case uses its own request ids and user ids, and never
 * assumes it sees only its own records except through a filter on its own user id.
 */
export interface NotificationStoreHarness extends BaseHarness<NotificationStore> {
  /**
   * Makes the backend unreachable for `subject` (e.g. end its pool, point it at a closed port)
   * so that ping and every call reject with NotifyError STORE_UNAVAILABLE. Required unless
   * `lacks.outage` is declared.
   */
  makeUnavailable?(): Promise<void>;
}

/** Capabilities a store's harness may declare absent, with the reason. */
export interface NotificationStoreContractOptions {
  lacks?: Lacks<'outage'>;
}

const T = 'NotificationStore:';

/** The behaviour every NotificationStore must show; see NotificationStoreHarness. */
export function notificationStoreContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  const lacks = options.lacks ?? {};
  const run = (body: (store: NotificationStore, harness: NotificationStoreHarness) => Promise<void>) => () =>
    withHarness(makeStore, (harness) => body(harness.subject, harness));

  it(
    `${T} declares whether it is durable and shared`,
    run(async (store) => {
      assert.equal(typeof store.capabilities.durable, 'boolean');
      assert.equal(typeof store.capabilities.shared, 'boolean');
      // Records other processes read outlive this one: a shared store that forgets is not shared.
      if (store.capabilities.shared) assert.ok(store.capabilities.durable, 'a shared store is durable');
    }),
  );

  it(
    `${T} insert stores the record and returns it unchanged`,
    run(async (store) => {
      const record = sampleNotification({
        history: [{ attempt: 1, at: at(5), outcome: 'replayed', errorCode: null, error: null }],
      });
      const result = await store.insert(record);
      assert.equal(result.created, true);
      assert.deepEqual(result.notification, record);
      assert.deepEqual(await store.getByRequestId(record.requestId), record);
    }),
  );

  it(
    `${T} insert of an existing request_id returns the original untouched`,
    run(async (store) => {
      const first = sampleNotification();
      await store.insert(first);
      const second = sampleNotification({ requestId: first.requestId, userId: 'someone-else', priority: 99 });
      const result = await store.insert(second);
      assert.equal(result.created, false);
      assert.deepEqual(result.notification, first);
      assert.deepEqual(await store.getByRequestId(first.requestId), first);
    }),
  );

  it(
    `${T} 20 concurrent inserts of one request_id create exactly one record`,
    run(async (store) => {
      const base = sampleNotification();
      const attempts = Array.from({ length: 20 }, (_, i) =>
        sampleNotification({ requestId: base.requestId, userId: base.userId, priority: i + 1 }),
      );
      const results = await Promise.all(attempts.map((n) => store.insert(n)));
      const created = results.filter((r) => r.created);
      assert.equal(created.length, 1, `expected exactly one created, got ${created.length}`);
      const winner = created[0]!.notification;
      for (const r of results)
        assert.equal(r.notification.id, winner.id, 'every caller sees the winning record');
      const listed = await store.list({ userId: base.userId }, { limit: 100, offset: 0 });
      assert.equal(listed.total, 1);
    }),
  );

  it(
    `${T} getByRequestId of an unknown id is null`,
    run(async (store) => {
      assert.equal(await store.getByRequestId(sampleNotification().requestId), null);
    }),
  );

  it(
    `${T} records handed out are copies: mutating them does not change the store`,
    run(async (store) => {
      const record = sampleNotification();
      const inserted = (await store.insert(record)).notification;
      inserted.status = 'failed';
      (inserted.variables as Record<string, unknown>).name = 'Mallory';
      record.metadata.campaign = 'changed after insert';
      const got = (await store.getByRequestId(record.requestId))!;
      assert.equal(got.status, 'queued');
      assert.equal(got.variables.name, 'Ada');
      assert.equal(got.metadata.campaign, 'spring');
      got.history.push({ attempt: 9, at: at(0), outcome: 'failed' });
      assert.deepEqual((await store.getByRequestId(record.requestId))!.history, []);
    }),
  );

  it(
    `${T} list filters by user, statuses and template, with the total of all matches`,
    run(async (store) => {
      const userId = `user-${Math.random().toString(36).slice(2)}`;
      const rows: Notification[] = [
        sampleNotification({ userId, status: 'queued', templateCode: 'welcome', createdAt: at(1) }),
        sampleNotification({ userId, status: 'retrying', templateCode: 'welcome', createdAt: at(2) }),
        sampleNotification({ userId, status: 'delivered', templateCode: 'reset', createdAt: at(3) }),
        sampleNotification({ userId, status: 'failed', templateCode: 'reset', createdAt: at(4) }),
        sampleNotification({ status: 'queued', templateCode: 'welcome', createdAt: at(5) }),
      ];
      for (const row of rows) await store.insert(row);
      const ids = (r: { items: Notification[] }) => r.items.map((n) => n.requestId);
      const all = await store.list({ userId }, { limit: 100, offset: 0 });
      assert.equal(all.total, 4);
      const pending = await store.list(
        { userId, statuses: ['queued', 'retrying'] },
        { limit: 100, offset: 0 },
      );
      assert.deepEqual(ids(pending), [rows[1]!.requestId, rows[0]!.requestId]);
      assert.equal(pending.total, 2);
      const reset = await store.list({ userId, templateCode: 'reset' }, { limit: 100, offset: 0 });
      assert.deepEqual(ids(reset), [rows[3]!.requestId, rows[2]!.requestId]);
      const both = await store.list(
        { userId, templateCode: 'reset', statuses: ['delivered'] },
        { limit: 100, offset: 0 },
      );
      assert.deepEqual(ids(both), [rows[2]!.requestId]);
      assert.equal(both.total, 1);
      const none = await store.list({ userId, statuses: ['processing'] }, { limit: 100, offset: 0 });
      assert.deepEqual(none, { items: [], total: 0 });
    }),
  );

  it(
    `${T} list is newest first (created_at, then id, descending) and pages by offset`,
    run(async (store) => {
      const userId = `user-${Math.random().toString(36).slice(2)}`;
      const rows = [
        sampleNotification({ userId, id: '00000000-0000-4000-8000-000000000001', createdAt: at(1000) }),
        sampleNotification({ userId, id: '00000000-0000-4000-8000-000000000002', createdAt: at(1000) }),
        sampleNotification({ userId, createdAt: at(3000) }),
        sampleNotification({ userId, createdAt: at(2000) }),
        sampleNotification({ userId, createdAt: at(500) }),
      ];
      // Inserted out of order so insertion order cannot pass for time order.
      for (const row of [rows[4], rows[0], rows[2], rows[1], rows[3]]) await store.insert(row!);
      const expected = [rows[2], rows[3], rows[1], rows[0], rows[4]].map((n) => n!.requestId);
      const page1 = await store.list({ userId }, { limit: 2, offset: 0 });
      const page2 = await store.list({ userId }, { limit: 2, offset: 2 });
      const page3 = await store.list({ userId }, { limit: 2, offset: 4 });
      const past = await store.list({ userId }, { limit: 2, offset: 10 });
      assert.deepEqual(
        [...page1.items, ...page2.items, ...page3.items].map((n) => n.requestId),
        expected,
      );
      assert.deepEqual(
        [page1.total, page2.total, page3.total, past.total],
        [5, 5, 5, 5],
        'total counts every match, not the page',
      );
      assert.equal(page3.items.length, 1);
      assert.deepEqual(past.items, []);
    }),
  );

  it(
    `${T} list filters by error code and sorts by updatedAt when asked (dead letters, newest failure first)`,
    run(async (store) => {
      const userId = `user-${Math.random().toString(36).slice(2)}`;
      const failed = (createdMs: number, updatedMs: number, errorCode: string) =>
        sampleNotification({
          userId,
          status: 'failed',
          errorCode,
          error: `${errorCode} happened`,
          createdAt: at(createdMs),
          updatedAt: at(updatedMs),
        });
      // Created in one order, failed in the reverse one, so the two sort keys disagree.
      const rows = [
        failed(1000, 9000, 'SMTP_PERMANENT'),
        failed(2000, 8000, 'RETRIES_EXHAUSTED'),
        failed(3000, 7000, 'SMTP_PERMANENT'),
      ];
      for (const row of rows) await store.insert(row);
      const ids = (r: { items: Notification[] }) => r.items.map((n) => n.requestId);
      const byFailure = await store.list(
        { userId, statuses: ['failed'] },
        { limit: 100, offset: 0, sortBy: 'updatedAt' },
      );
      assert.deepEqual(
        ids(byFailure),
        rows.map((n) => n.requestId),
      );
      const byCreation = await store.list({ userId, statuses: ['failed'] }, { limit: 100, offset: 0 });
      assert.deepEqual(
        ids(byCreation),
        [...rows].reverse().map((n) => n.requestId),
      );
      const permanent = await store.list(
        { userId, errorCode: 'SMTP_PERMANENT' },
        { limit: 1, offset: 1, sortBy: 'updatedAt' },
      );
      assert.deepEqual(ids(permanent), [rows[2]!.requestId]);
      assert.equal(permanent.total, 2);
      const unknown = await store.list({ userId, errorCode: 'NO_SUCH_CODE' }, { limit: 10, offset: 0 });
      assert.deepEqual(unknown, { items: [], total: 0 });
    }),
  );

  it(
    `${T} claim moves queued to processing with the owner and lease, once`,
    run(async (store) => {
      const record = sampleNotification();
      await store.insert(record);
      const claimed = await store.claim({
        requestId: record.requestId,
        owner: 'w1',
        now: at(10),
        leaseMs: 30_000,
      });
      assert.ok(claimed, 'a queued record can be claimed');
      assert.equal(claimed.status, 'processing');
      assert.equal(claimed.leaseOwner, 'w1');
      assert.deepEqual(claimed.leaseUntil, at(30_010));
      assert.equal(claimed.attempts, record.attempts, 'claiming is not an attempt');
      const stored = (await store.getByRequestId(record.requestId))!;
      assert.equal(stored.status, 'processing');
      assert.equal(stored.leaseOwner, 'w1');
      assert.equal(
        await store.claim({ requestId: record.requestId, owner: 'w2', now: at(20), leaseMs: 30_000 }),
        null,
        'a held lease cannot be claimed by another worker',
      );
      assert.equal(
        await store.claim({ requestId: record.requestId, owner: 'w1', now: at(20), leaseMs: 30_000 }),
        null,
        'nor claimed twice by the same worker (a redelivered message is a no-op)',
      );
    }),
  );

  it(
    `${T} claim takes retrying records, and refuses delivered, failed and unknown ones`,
    run(async (store) => {
      const retrying = sampleNotification({ status: 'retrying', attempts: 2 });
      const delivered = sampleNotification({ status: 'delivered', deliveredAt: at(1) });
      const failed = sampleNotification({ status: 'failed', error: 'boom', errorCode: 'SMTP_PERMANENT' });
      for (const n of [retrying, delivered, failed]) await store.insert(n);
      const claim = (requestId: string) =>
        store.claim({ requestId, owner: 'w1', now: at(10), leaseMs: 1000 });
      const claimed = await claim(retrying.requestId);
      assert.equal(claimed?.status, 'processing');
      assert.equal(claimed?.attempts, 2);
      assert.equal(await claim(delivered.requestId), null);
      assert.equal(await claim(failed.requestId), null);
      assert.equal(await claim(sampleNotification().requestId), null);
      assert.equal((await store.getByRequestId(delivered.requestId))!.status, 'delivered');
      assert.equal((await store.getByRequestId(failed.requestId))!.status, 'failed');
    }),
  );

  it(
    `${T} concurrent claims by two owners: exactly one wins, every time`,
    run(async (store) => {
      for (let round = 0; round < 10; round++) {
        const record = sampleNotification();
        await store.insert(record);
        const [a, b] = await Promise.all([
          store.claim({ requestId: record.requestId, owner: 'owner-a', now: at(10), leaseMs: 60_000 }),
          store.claim({ requestId: record.requestId, owner: 'owner-b', now: at(10), leaseMs: 60_000 }),
        ]);
        const winners = [a, b].filter((c) => c !== null);
        assert.equal(winners.length, 1, `round ${round}: expected one winner, got ${winners.length}`);
        const stored = (await store.getByRequestId(record.requestId))!;
        assert.equal(stored.leaseOwner, winners[0]!.leaseOwner, 'the stored owner is the winner');
      }
    }),
  );

  it(
    `${T} an expired lease can be reclaimed by another worker, a live one cannot`,
    run(async (store) => {
      const record = sampleNotification();
      await store.insert(record);
      await store.claim({ requestId: record.requestId, owner: 'crashed', now: at(0), leaseMs: 1000 });
      assert.equal(
        await store.claim({ requestId: record.requestId, owner: 'rescuer', now: at(500), leaseMs: 1000 }),
        null,
      );
      const reclaimed = await store.claim({
        requestId: record.requestId,
        owner: 'rescuer',
        now: at(1500),
        leaseMs: 1000,
      });
      assert.ok(reclaimed, 'the lease expired at +1000 ms, so +1500 ms may reclaim');
      assert.equal(reclaimed.leaseOwner, 'rescuer');
      assert.deepEqual(reclaimed.leaseUntil, at(2500));
      const late = await store.update(
        record.requestId,
        { status: ['processing'], leaseOwner: 'crashed' },
        { status: 'delivered' },
      );
      assert.equal(late, null, 'the previous owner can no longer write');
    }),
  );

  it(
    `${T} update applies the patch only while the guard holds`,
    run(async (store) => {
      const record = sampleNotification();
      await store.insert(record);
      await store.claim({ requestId: record.requestId, owner: 'w1', now: at(0), leaseMs: 60_000 });
      const patch = {
        status: 'retrying' as const,
        attempts: 1,
        error: 'greylisted',
        errorCode: 'SMTP_TRANSIENT',
        leaseOwner: null,
        leaseUntil: null,
        nextAttemptAt: at(4000),
        updatedAt: at(100),
      };
      assert.equal(
        await store.update(record.requestId, { status: ['queued'] }, patch),
        null,
        'wrong status: refused',
      );
      assert.equal(
        await store.update(record.requestId, { status: ['processing'], leaseOwner: 'w2' }, patch),
        null,
        'wrong lease owner: refused',
      );
      const unchanged = (await store.getByRequestId(record.requestId))!;
      assert.equal(unchanged.status, 'processing');
      assert.equal(unchanged.attempts, 0);
      const updated = await store.update(
        record.requestId,
        { status: ['processing'], leaseOwner: 'w1' },
        patch,
      );
      assert.ok(updated, 'right status and owner: applied');
      const stored = (await store.getByRequestId(record.requestId))!;
      assert.deepEqual(updated, stored);
      assert.deepEqual(
        {
          status: stored.status,
          attempts: stored.attempts,
          error: stored.error,
          errorCode: stored.errorCode,
          leaseOwner: stored.leaseOwner,
          leaseUntil: stored.leaseUntil,
          nextAttemptAt: stored.nextAttemptAt,
          updatedAt: stored.updatedAt,
        },
        patch,
      );
      assert.equal(stored.userId, record.userId, 'fields outside the patch are kept');
      assert.equal(
        await store.update(sampleNotification().requestId, { status: ['queued'] }, patch),
        null,
        'unknown id: null',
      );
    }),
  );

  it(
    `${T} update without a lease owner in the guard checks status only`,
    run(async (store) => {
      const record = sampleNotification({ status: 'failed', error: 'x', errorCode: 'SMTP_PERMANENT' });
      await store.insert(record);
      const updated = await store.update(
        record.requestId,
        { status: ['failed'] },
        { status: 'queued', attempts: 0, error: null, errorCode: null, updatedAt: at(50) },
      );
      assert.equal(updated?.status, 'queued');
      assert.equal(updated?.error, null);
    }),
  );

  it(
    `${T} a patch field left undefined keeps its value; null clears it`,
    run(async (store) => {
      const record = sampleNotification({
        status: 'retrying',
        attempts: 2,
        error: 'greylisted',
        nextAttemptAt: at(9),
      });
      await store.insert(record);
      const updated = await store.update(
        record.requestId,
        { status: ['retrying'] },
        { attempts: 3, error: undefined, nextAttemptAt: null, updatedAt: at(10) },
      );
      assert.equal(updated?.attempts, 3);
      assert.equal(updated?.error, 'greylisted', 'undefined is "not in the patch"');
      assert.equal(updated?.nextAttemptAt, null, 'null is a value');
      assert.equal(updated?.status, 'retrying');
    }),
  );

  it(
    `${T} appendHistory appends in order and never replaces`,
    run(async (store) => {
      const first = {
        attempt: 1,
        at: at(1),
        outcome: 'failed' as const,
        errorCode: 'SMTP_PERMANENT',
        error: '550 no',
      };
      const record = sampleNotification({ status: 'failed', history: [first] });
      await store.insert(record);
      const second = { attempt: 1, at: at(2), outcome: 'replayed' as const };
      const third = {
        attempt: 1,
        at: at(3),
        outcome: 'retrying' as const,
        errorCode: 'SMTP_TRANSIENT',
        error: '421',
      };
      await store.update(
        record.requestId,
        { status: ['failed'] },
        { status: 'queued', appendHistory: second },
      );
      await store.update(
        record.requestId,
        { status: ['queued'] },
        { status: 'retrying', appendHistory: third },
      );
      const stored = (await store.getByRequestId(record.requestId))!;
      assert.deepEqual(stored.history, [first, second, third]);
      assert.ok(stored.history[1]!.at instanceof Date, 'history times come back as Dates');
    }),
  );

  it(
    `${T} markPublished stamps only unpublished queued/retrying records`,
    run(async (store) => {
      const queued = sampleNotification();
      const retrying = sampleNotification({ status: 'retrying' });
      const already = sampleNotification({ publishedAt: at(5) });
      const processing = sampleNotification({ status: 'processing', leaseOwner: 'w', leaseUntil: at(9999) });
      const delivered = sampleNotification({ status: 'delivered' });
      for (const n of [queued, retrying, already, processing, delivered]) await store.insert(n);
      const ids = [queued, retrying, already, processing, delivered].map((n) => n.requestId);
      await store.markPublished([...ids, sampleNotification().requestId], at(100));
      const published = async (n: Notification) => (await store.getByRequestId(n.requestId))!.publishedAt;
      assert.deepEqual(await published(queued), at(100));
      assert.deepEqual(await published(retrying), at(100));
      assert.deepEqual(await published(already), at(5), 'an earlier publish is not overwritten');
      assert.equal(await published(processing), null);
      assert.equal(await published(delivered), null);
      await store.markPublished([], at(200));
    }),
  );

  it(
    `${T} findStranded returns unpublished and lease-expired records, oldest first, up to limit`,
    run(async (store) => {
      const now = at(100_000);
      const cutoff = at(90_000);
      const oldUnpublished = sampleNotification({ createdAt: at(1000), updatedAt: at(1000) });
      const oldRetrying = sampleNotification({
        status: 'retrying',
        createdAt: at(2000),
        updatedAt: at(2000),
      });
      const expiredLease = sampleNotification({
        status: 'processing',
        leaseOwner: 'dead',
        leaseUntil: at(99_000),
        publishedAt: at(3000),
        createdAt: at(3000),
        updatedAt: at(3000),
      });
      const fresh = sampleNotification({ createdAt: at(95_000), updatedAt: at(95_000) });
      const published = sampleNotification({
        publishedAt: at(1500),
        createdAt: at(1500),
        updatedAt: at(1500),
      });
      const liveLease = sampleNotification({
        status: 'processing',
        leaseOwner: 'alive',
        leaseUntil: at(160_000),
        createdAt: at(1200),
        updatedAt: at(1200),
      });
      const delivered = sampleNotification({ status: 'delivered', createdAt: at(1100), updatedAt: at(1100) });
      for (const n of [fresh, expiredLease, delivered, oldRetrying, published, liveLease, oldUnpublished]) {
        await store.insert(n);
      }
      const mine = new Set(
        [oldUnpublished, oldRetrying, expiredLease, fresh, published, liveLease, delivered].map(
          (n) => n.requestId,
        ),
      );
      const found = (await store.findStranded({ now, unpublishedBefore: cutoff, limit: 1000 }))
        .map((n) => n.requestId)
        .filter((id) => mine.has(id));
      assert.deepEqual(found, [oldUnpublished.requestId, oldRetrying.requestId, expiredLease.requestId]);
      const limited = await store.findStranded({ now, unpublishedBefore: cutoff, limit: 2 });
      assert.ok(limited.length <= 2, `limit 2 returned ${limited.length}`);
    }),
  );

  it(
    `${T} ping resolves while the store is reachable`,
    run(async (store) => {
      await store.ping();
    }),
  );

  caseNeeding(
    it,
    lacks,
    'outage',
    `${T} an unreachable store rejects ping and calls with STORE_UNAVAILABLE`,
    run(async (store, harness) => {
      assert.ok(
        harness.makeUnavailable,
        'harness.makeUnavailable is required unless lacks.outage is declared',
      );
      await harness.makeUnavailable();
      await rejectsWithNotifyError(store.ping(), 'STORE_UNAVAILABLE', 'ping');
      const error = await rejectsWithNotifyError(
        store.insert(sampleNotification()),
        'STORE_UNAVAILABLE',
        'insert',
      );
      assert.equal(error.retryable, true);
      await rejectsWithNotifyError(store.getByRequestId('x'), 'STORE_UNAVAILABLE', 'getByRequestId');
    }),
  );
}
