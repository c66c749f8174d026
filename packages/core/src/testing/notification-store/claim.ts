import assert from 'node:assert/strict';
import type { ContractIt } from '../contract-runner.js';
import { at, sampleNotification } from '../sample-notification.js';
import {
  type NotificationStoreContractOptions,
  type NotificationStoreHarness,
  storeCases,
  T,
} from './harness.js';

/** claim: the conditional write that hands a record to exactly one worker, and leases that expire. */
export function notificationStoreClaimContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  const { run } = storeCases(makeStore, options);

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
}
