// The MailTransport contract, one file per concern. mailTransportContract registers every group,
// in this order; each group takes the same arguments and can also run alone.
import type { ContractIt } from '../contract-runner.js';
import { mailTransportDeliveryContract } from './delivery.js';
import { mailTransportFailuresContract } from './failures.js';
import type { MailTransportContractOptions, MailTransportHarness } from './harness.js';

export {
  type MailTransportContractOptions,
  type MailTransportHarness,
  type ReceivedMail,
  sampleMailMessage,
} from './harness.js';
export { mailTransportDeliveryContract, mailTransportFailuresContract };

/** The groups of the MailTransport contract, in the order the whole suite runs them. */
export const mailTransportContractGroups = [
  mailTransportDeliveryContract,
  mailTransportFailuresContract,
] as const;

/** The behaviour every MailTransport must show; see MailTransportHarness. */
export function mailTransportContract(
  it: ContractIt,
  makeTransport: () => Promise<MailTransportHarness>,
  options: MailTransportContractOptions = {},
): void {
  for (const group of mailTransportContractGroups) group(it, makeTransport, options);
}
