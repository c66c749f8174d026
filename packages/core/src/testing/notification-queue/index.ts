// The NotificationQueue contract, one file per concern. notificationQueueContract registers every
// group, in this order; each group takes the same arguments and can also run alone, e.g. while an
// adapter's consumer is being written.
import type { ContractIt } from '../contract-runner.js';
import { notificationQueueCapabilitiesContract } from './capabilities.js';
import { notificationQueueConsumersContract } from './consumers.js';
import { notificationQueueDeadLettersContract } from './dead-letters.js';
import { notificationQueueDeliveryContract } from './delivery.js';
import type { NotificationQueueContractOptions, NotificationQueueHarness } from './harness.js';
import { notificationQueueOrderingContract } from './ordering.js';
import { notificationQueueOutageContract } from './outage.js';
import { notificationQueueSettleContract } from './settle.js';

export {
  type NotificationQueueCapability,
  type NotificationQueueContractOptions,
  type NotificationQueueHarness,
  sampleQueueMessage,
} from './harness.js';
export {
  notificationQueueCapabilitiesContract,
  notificationQueueConsumersContract,
  notificationQueueDeadLettersContract,
  notificationQueueDeliveryContract,
  notificationQueueOrderingContract,
  notificationQueueOutageContract,
  notificationQueueSettleContract,
};

/** The groups of the NotificationQueue contract, in the order the whole suite runs them. */
export const notificationQueueContractGroups = [
  notificationQueueCapabilitiesContract,
  notificationQueueSettleContract,
  notificationQueueDeliveryContract,
  notificationQueueOrderingContract,
  notificationQueueDeadLettersContract,
  notificationQueueConsumersContract,
  notificationQueueOutageContract,
] as const;

/** The behaviour every NotificationQueue must show; see NotificationQueueHarness. */
export function notificationQueueContract(
  it: ContractIt,
  makeQueue: () => Promise<NotificationQueueHarness>,
  options: NotificationQueueContractOptions = {},
): void {
  for (const group of notificationQueueContractGroups) group(it, makeQueue, options);
}
