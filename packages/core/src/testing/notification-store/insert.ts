import assert from 'node:assert/strict';
import type { ContractIt } from '../contract-runner.js';
import { at, sampleNotification } from '../sample-notification.js';
import {
  type NotificationStoreContractOptions,
  type NotificationStoreHarness,
  storeCases,
  T,
} from './harness.js';

/** insert: the record stored as given, and insert-if-absent, atomically, per request_id. */
export function notificationStoreInsertContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  const { run } = storeCases(makeStore, options);

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
}
