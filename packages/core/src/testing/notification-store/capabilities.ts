import assert from 'node:assert/strict';
import type { ContractIt } from '../contract-runner.js';
import {
  type NotificationStoreContractOptions,
  type NotificationStoreHarness,
  storeCases,
  T,
} from './harness.js';

/** What the store says it is: durable, shared, and never shared without being durable. */
export function notificationStoreCapabilitiesContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  const { run } = storeCases(makeStore, options);

  it(
    `${T} declares whether it is durable and shared`,
    run(async (store) => {
      assert.equal(typeof store.capabilities.durable, 'boolean');
      assert.equal(typeof store.capabilities.shared, 'boolean');
      // Records other processes read outlive this one: a shared store that forgets is not shared.
      if (store.capabilities.shared) assert.ok(store.capabilities.durable, 'a shared store is durable');
    }),
  );
}
