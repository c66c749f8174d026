// The EventLog contract, one file per concern. It runs on a NotificationStore's harness: the
// store writes the events with its changes, and `store.events` reads them.
import type { ContractIt } from '../contract-runner.js';
import type {
  NotificationStoreContractOptions,
  NotificationStoreHarness,
} from '../notification-store/harness.js';
import { eventLogConcurrencyContract } from './concurrency.js';
import { eventLogReadsContract } from './reads.js';
import { eventLogWritesContract } from './writes.js';

export { E as EVENT_LOG_CASE_PREFIX, sampleEvent } from './harness.js';
export { eventLogConcurrencyContract, eventLogReadsContract, eventLogWritesContract };

export const eventLogContractGroups = [
  eventLogWritesContract,
  eventLogReadsContract,
  eventLogConcurrencyContract,
] as const;

/** The behaviour every store's event log must show. */
export function eventLogContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  for (const group of eventLogContractGroups) group(it, makeStore, options);
}
