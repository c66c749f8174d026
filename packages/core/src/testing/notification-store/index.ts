// The NotificationStore contract, one file per concern. notificationStoreContract registers every
// group, in this order; each group takes the same arguments and can also run alone, e.g. while an
// adapter's claim is being written.
import type { ContractIt } from '../contract-runner.js';
import { notificationStoreCapabilitiesContract } from './capabilities.js';
import { notificationStoreClaimContract } from './claim.js';
import type { NotificationStoreContractOptions, NotificationStoreHarness } from './harness.js';
import { notificationStoreHistoryContract } from './history.js';
import { notificationStoreInsertContract } from './insert.js';
import { notificationStoreListContract } from './list.js';
import { notificationStoreOutageContract } from './outage.js';
import { notificationStoreOutboxContract } from './outbox.js';
import { notificationStoreReadContract } from './read.js';
import { notificationStoreUpdateContract } from './update.js';

export type { NotificationStoreContractOptions, NotificationStoreHarness } from './harness.js';
export {
  notificationStoreCapabilitiesContract,
  notificationStoreClaimContract,
  notificationStoreHistoryContract,
  notificationStoreInsertContract,
  notificationStoreListContract,
  notificationStoreOutageContract,
  notificationStoreOutboxContract,
  notificationStoreReadContract,
  notificationStoreUpdateContract,
};

/** The groups of the NotificationStore contract, in the order the whole suite runs them. */
export const notificationStoreContractGroups = [
  notificationStoreCapabilitiesContract,
  notificationStoreInsertContract,
  notificationStoreReadContract,
  notificationStoreListContract,
  notificationStoreClaimContract,
  notificationStoreUpdateContract,
  notificationStoreHistoryContract,
  notificationStoreOutboxContract,
  notificationStoreOutageContract,
] as const;

/** The behaviour every NotificationStore must show; see NotificationStoreHarness. */
export function notificationStoreContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  for (const group of notificationStoreContractGroups) group(it, makeStore, options);
}
