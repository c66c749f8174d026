import assert from 'node:assert/strict';
import type { ContractIt } from '../contract-runner.js';
import { at, sampleNotification } from '../sample-notification.js';
import {
  type NotificationStoreContractOptions,
  type NotificationStoreHarness,
  storeCases,
  T,
} from './harness.js';

/** getByRequestId: null for an unknown id, and copies that cannot change the store. */
export function notificationStoreReadContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  const { run } = storeCases(makeStore, options);

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
}
