import assert from 'node:assert/strict';
import type { ContractIt } from '../contract-runner.js';
import type {
  NotificationStoreContractOptions,
  NotificationStoreHarness,
} from '../notification-store/harness.js';
import { storeCases } from '../notification-store/harness.js';
import { sampleNotification } from '../sample-notification.js';
import { assertSameEvent, E, sampleEvent } from './harness.js';

/** An event exists exactly when its change does: written with it, and never without it. */
export function eventLogWritesContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  const { run } = storeCases(makeStore, options);

  it(
    `${E} an insert writes its event, and a conflicting insert writes none`,
    run(async (store) => {
      const record = sampleNotification();
      const accepted = sampleEvent(record.requestId);
      assert.equal((await store.insert(record, accepted)).created, true);
      const again = sampleEvent(record.requestId);
      assert.equal((await store.insert({ ...record, id: sampleNotification().id }, again)).created, false);
      const timeline = await store.events.timeline(record.requestId);
      assert.equal(timeline.length, 1, 'one event: the replayed insert changed nothing');
      assertSameEvent(timeline[0], accepted);
    }),
  );

  it(
    `${E} an update writes its event only when its guard holds`,
    run(async (store) => {
      const record = sampleNotification({ status: 'processing', leaseOwner: 'worker-a' });
      await store.insert(record);
      const wrongStatus = sampleEvent(record.requestId, 'notification.delivered', 1);
      const updatedWrong = await store.update(
        record.requestId,
        { status: ['queued'] },
        { status: 'delivered', event: wrongStatus },
      );
      assert.equal(updatedWrong, null);
      const wrongOwner = sampleEvent(record.requestId, 'notification.delivered', 2);
      const updatedByOther = await store.update(
        record.requestId,
        { status: ['processing'], leaseOwner: 'worker-b' },
        { status: 'delivered', event: wrongOwner },
      );
      assert.equal(updatedByOther, null);
      assert.deepEqual(await store.events.timeline(record.requestId), [], 'no change, no event');
      const delivered = sampleEvent(record.requestId, 'notification.delivered', 3);
      const updated = await store.update(
        record.requestId,
        { status: ['processing'], leaseOwner: 'worker-a' },
        { status: 'delivered', event: delivered },
      );
      assert.equal(updated?.status, 'delivered');
      const timeline = await store.events.timeline(record.requestId);
      assert.equal(timeline.length, 1);
      assertSameEvent(timeline[0], delivered);
    }),
  );

  it(
    `${E} writes without an event add none`,
    run(async (store) => {
      const record = sampleNotification();
      await store.insert(record);
      await store.update(record.requestId, { status: ['queued'] }, { status: 'retrying' });
      await store.claim({ requestId: record.requestId, owner: 'w', now: new Date(), leaseMs: 1000 });
      assert.deepEqual(await store.events.timeline(record.requestId), []);
    }),
  );
}
