import assert from 'node:assert/strict';
import { type ContractIt, caseNeeding, rejectsWithNotifyError } from '../contract-runner.js';
import { sampleNotification } from '../sample-notification.js';
import {
  type NotificationStoreContractOptions,
  type NotificationStoreHarness,
  storeCases,
  T,
} from './harness.js';

/** ping, and STORE_UNAVAILABLE (retryable) from ping and calls while the backend is unreachable. */
export function notificationStoreOutageContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  const { lacks, run } = storeCases(makeStore, options);

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
