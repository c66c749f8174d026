import assert from 'node:assert/strict';
import type { ContractIt } from '../contract-runner.js';
import { at, sampleNotification } from '../sample-notification.js';
import {
  type NotificationStoreContractOptions,
  type NotificationStoreHarness,
  storeCases,
  T,
} from './harness.js';

/** The attempt history: appended in order, never replaced. */
export function notificationStoreHistoryContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  const { run } = storeCases(makeStore, options);

  it(
    `${T} appendHistory appends in order and never replaces`,
    run(async (store) => {
      const first = {
        attempt: 1,
        at: at(1),
        outcome: 'failed' as const,
        errorCode: 'SMTP_PERMANENT',
        error: '550 no',
      };
      const record = sampleNotification({ status: 'failed', history: [first] });
      await store.insert(record);
      const second = { attempt: 1, at: at(2), outcome: 'replayed' as const };
      const third = {
        attempt: 1,
        at: at(3),
        outcome: 'retrying' as const,
        errorCode: 'SMTP_TRANSIENT',
        error: '421',
      };
      await store.update(
        record.requestId,
        { status: ['failed'] },
        { status: 'queued', appendHistory: second },
      );
      await store.update(
        record.requestId,
        { status: ['queued'] },
        { status: 'retrying', appendHistory: third },
      );
      const stored = (await store.getByRequestId(record.requestId))!;
      assert.deepEqual(stored.history, [first, second, third]);
      assert.ok(stored.history[1]!.at instanceof Date, 'history times come back as Dates');
    }),
  );
}
