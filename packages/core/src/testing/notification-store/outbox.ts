import assert from 'node:assert/strict';
import type { Notification } from '../../domain/notification.js';
import type { ContractIt } from '../contract-runner.js';
import { at, sampleNotification } from '../sample-notification.js';
import {
  type NotificationStoreContractOptions,
  type NotificationStoreHarness,
  storeCases,
  T,
} from './harness.js';

/** The outbox half of the store: markPublished, and findStranded for the recovery loop. */
export function notificationStoreOutboxContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  const { run } = storeCases(makeStore, options);

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
}
