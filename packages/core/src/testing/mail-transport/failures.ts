import assert from 'node:assert/strict';
import { type ContractIt, caseNeeding, rejectsWithNotifyError, sleep } from '../contract-runner.js';
import {
  arrivedWith,
  type MailTransportContractOptions,
  type MailTransportHarness,
  sampleMailMessage,
  T,
  transportCases,
} from './harness.js';

/**
 * Failures: a permanent rejection is never retryable, a temporary failure always is, and the next
 * send goes through.
 */
export function mailTransportFailuresContract(
  it: ContractIt,
  makeTransport: () => Promise<MailTransportHarness>,
  options: MailTransportContractOptions = {},
): void {
  const { arrival, lacks, run } = transportCases(makeTransport, options);

  caseNeeding(
    it,
    lacks,
    'permanentRejection',
    `${T} a permanently rejected message is a non-retryable SMTP_PERMANENT`,
    run(async (transport, harness) => {
      assert.ok(harness.rejectNextPermanently, 'rejectNextPermanently is required unless declared lacking');
      await harness.rejectNextPermanently();
      const message = sampleMailMessage();
      const error = await rejectsWithNotifyError(transport.send(message), 'SMTP_PERMANENT', 'send');
      assert.equal(error.retryable, false);
      await sleep(100);
      const arrived = (await harness.received()).filter((m) => m.messageId === message.messageId);
      assert.equal(arrived.length, 0, 'a rejected message did not arrive');
    }),
  );

  caseNeeding(
    it,
    lacks,
    'temporaryFailure',
    `${T} a temporary failure is a retryable NotifyError`,
    run(async (transport, harness) => {
      assert.ok(harness.failNextTemporarily, 'failNextTemporarily is required unless declared lacking');
      await harness.failNextTemporarily();
      const error = await rejectsWithNotifyError(
        transport.send(sampleMailMessage()),
        ['SMTP_TRANSIENT', 'SMTP_TIMEOUT'],
        'send',
      );
      assert.equal(error.retryable, true);
      const after = sampleMailMessage();
      await transport.send(after);
      await arrivedWith(harness, after.messageId, arrival);
    }),
  );
}
