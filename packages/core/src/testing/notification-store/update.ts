import assert from 'node:assert/strict';
import type { ContractIt } from '../contract-runner.js';
import { at, sampleNotification } from '../sample-notification.js';
import {
  type NotificationStoreContractOptions,
  type NotificationStoreHarness,
  storeCases,
  T,
} from './harness.js';

/**
 * update: a patch applied only while its guard (status, lease owner) holds; undefined leaves a
 * field, null clears it.
 */
export function notificationStoreUpdateContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  const { run } = storeCases(makeStore, options);

  it(
    `${T} update applies the patch only while the guard holds`,
    run(async (store) => {
      const record = sampleNotification();
      await store.insert(record);
      await store.claim({ requestId: record.requestId, owner: 'w1', now: at(0), leaseMs: 60_000 });
      const patch = {
        status: 'retrying' as const,
        attempts: 1,
        error: 'greylisted',
        errorCode: 'SMTP_TRANSIENT',
        leaseOwner: null,
        leaseUntil: null,
        nextAttemptAt: at(4000),
        updatedAt: at(100),
      };
      assert.equal(
        await store.update(record.requestId, { status: ['queued'] }, patch),
        null,
        'wrong status: refused',
      );
      assert.equal(
        await store.update(record.requestId, { status: ['processing'], leaseOwner: 'w2' }, patch),
        null,
        'wrong lease owner: refused',
      );
      const unchanged = (await store.getByRequestId(record.requestId))!;
      assert.equal(unchanged.status, 'processing');
      assert.equal(unchanged.attempts, 0);
      const updated = await store.update(
        record.requestId,
        { status: ['processing'], leaseOwner: 'w1' },
        patch,
      );
      assert.ok(updated, 'right status and owner: applied');
      const stored = (await store.getByRequestId(record.requestId))!;
      assert.deepEqual(updated, stored);
      assert.deepEqual(
        {
          status: stored.status,
          attempts: stored.attempts,
          error: stored.error,
          errorCode: stored.errorCode,
          leaseOwner: stored.leaseOwner,
          leaseUntil: stored.leaseUntil,
          nextAttemptAt: stored.nextAttemptAt,
          updatedAt: stored.updatedAt,
        },
        patch,
      );
      assert.equal(stored.userId, record.userId, 'fields outside the patch are kept');
      assert.equal(
        await store.update(sampleNotification().requestId, { status: ['queued'] }, patch),
        null,
        'unknown id: null',
      );
    }),
  );

  it(
    `${T} update without a lease owner in the guard checks status only`,
    run(async (store) => {
      const record = sampleNotification({ status: 'failed', error: 'x', errorCode: 'SMTP_PERMANENT' });
      await store.insert(record);
      const updated = await store.update(
        record.requestId,
        { status: ['failed'] },
        { status: 'queued', attempts: 0, error: null, errorCode: null, updatedAt: at(50) },
      );
      assert.equal(updated?.status, 'queued');
      assert.equal(updated?.error, null);
    }),
  );

  it(
    `${T} a patch field left undefined keeps its value; null clears it`,
    run(async (store) => {
      const record = sampleNotification({
        status: 'retrying',
        attempts: 2,
        error: 'greylisted',
        nextAttemptAt: at(9),
      });
      await store.insert(record);
      const updated = await store.update(
        record.requestId,
        { status: ['retrying'] },
        { attempts: 3, error: undefined, nextAttemptAt: null, updatedAt: at(10) },
      );
      assert.equal(updated?.attempts, 3);
      assert.equal(updated?.error, 'greylisted', 'undefined is "not in the patch"');
      assert.equal(updated?.nextAttemptAt, null, 'null is a value');
      assert.equal(updated?.status, 'retrying');
    }),
  );
}
