import assert from 'node:assert/strict';
import type { Notification } from '../../domain/notification.js';
import type { ContractIt } from '../contract-runner.js';
import { at, sampleNotification } from '../sample-notification.js';
import {
  type NotificationStoreContractOptions,
  type NotificationStoreHarness,
  storeCases,
  T,
} from './harness.js';

/** list: filters, newest first with ties broken by id, paging, and the total of every match. */
export function notificationStoreListContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  const { run } = storeCases(makeStore, options);

  it(
    `${T} list filters by user, statuses and template, with the total of all matches`,
    run(async (store) => {
      const userId = `user-${Math.random().toString(36).slice(2)}`;
      const rows: Notification[] = [
        sampleNotification({ userId, status: 'queued', templateCode: 'welcome', createdAt: at(1) }),
        sampleNotification({ userId, status: 'retrying', templateCode: 'welcome', createdAt: at(2) }),
        sampleNotification({ userId, status: 'delivered', templateCode: 'reset', createdAt: at(3) }),
        sampleNotification({ userId, status: 'failed', templateCode: 'reset', createdAt: at(4) }),
        sampleNotification({ status: 'queued', templateCode: 'welcome', createdAt: at(5) }),
      ];
      for (const row of rows) await store.insert(row);
      const ids = (r: { items: Notification[] }) => r.items.map((n) => n.requestId);
      const all = await store.list({ userId }, { limit: 100, offset: 0 });
      assert.equal(all.total, 4);
      const pending = await store.list(
        { userId, statuses: ['queued', 'retrying'] },
        { limit: 100, offset: 0 },
      );
      assert.deepEqual(ids(pending), [rows[1]!.requestId, rows[0]!.requestId]);
      assert.equal(pending.total, 2);
      const reset = await store.list({ userId, templateCode: 'reset' }, { limit: 100, offset: 0 });
      assert.deepEqual(ids(reset), [rows[3]!.requestId, rows[2]!.requestId]);
      const both = await store.list(
        { userId, templateCode: 'reset', statuses: ['delivered'] },
        { limit: 100, offset: 0 },
      );
      assert.deepEqual(ids(both), [rows[2]!.requestId]);
      assert.equal(both.total, 1);
      const none = await store.list({ userId, statuses: ['processing'] }, { limit: 100, offset: 0 });
      assert.deepEqual(none, { items: [], total: 0 });
    }),
  );

  it(
    `${T} list is newest first (created_at, then id, descending) and pages by offset`,
    run(async (store) => {
      const userId = `user-${Math.random().toString(36).slice(2)}`;
      const rows = [
        sampleNotification({ userId, id: '00000000-0000-4000-8000-000000000001', createdAt: at(1000) }),
        sampleNotification({ userId, id: '00000000-0000-4000-8000-000000000002', createdAt: at(1000) }),
        sampleNotification({ userId, createdAt: at(3000) }),
        sampleNotification({ userId, createdAt: at(2000) }),
        sampleNotification({ userId, createdAt: at(500) }),
      ];
      // Inserted out of order so insertion order cannot pass for time order.
      for (const row of [rows[4], rows[0], rows[2], rows[1], rows[3]]) await store.insert(row!);
      const expected = [rows[2], rows[3], rows[1], rows[0], rows[4]].map((n) => n!.requestId);
      const page1 = await store.list({ userId }, { limit: 2, offset: 0 });
      const page2 = await store.list({ userId }, { limit: 2, offset: 2 });
      const page3 = await store.list({ userId }, { limit: 2, offset: 4 });
      const past = await store.list({ userId }, { limit: 2, offset: 10 });
      assert.deepEqual(
        [...page1.items, ...page2.items, ...page3.items].map((n) => n.requestId),
        expected,
      );
      assert.deepEqual(
        [page1.total, page2.total, page3.total, past.total],
        [5, 5, 5, 5],
        'total counts every match, not the page',
      );
      assert.equal(page3.items.length, 1);
      assert.deepEqual(past.items, []);
    }),
  );

  it(
    `${T} list filters by error code and sorts by updatedAt when asked (dead letters, newest failure first)`,
    run(async (store) => {
      const userId = `user-${Math.random().toString(36).slice(2)}`;
      const failed = (createdMs: number, updatedMs: number, errorCode: string) =>
        sampleNotification({
          userId,
          status: 'failed',
          errorCode,
          error: `${errorCode} happened`,
          createdAt: at(createdMs),
          updatedAt: at(updatedMs),
        });
      // Created in one order, failed in the reverse one, so the two sort keys disagree.
      const rows = [
        failed(1000, 9000, 'SMTP_PERMANENT'),
        failed(2000, 8000, 'RETRIES_EXHAUSTED'),
        failed(3000, 7000, 'SMTP_PERMANENT'),
      ];
      for (const row of rows) await store.insert(row);
      const ids = (r: { items: Notification[] }) => r.items.map((n) => n.requestId);
      const byFailure = await store.list(
        { userId, statuses: ['failed'] },
        { limit: 100, offset: 0, sortBy: 'updatedAt' },
      );
      assert.deepEqual(
        ids(byFailure),
        rows.map((n) => n.requestId),
      );
      const byCreation = await store.list({ userId, statuses: ['failed'] }, { limit: 100, offset: 0 });
      assert.deepEqual(
        ids(byCreation),
        [...rows].reverse().map((n) => n.requestId),
      );
      const permanent = await store.list(
        { userId, errorCode: 'SMTP_PERMANENT' },
        { limit: 1, offset: 1, sortBy: 'updatedAt' },
      );
      assert.deepEqual(ids(permanent), [rows[2]!.requestId]);
      assert.equal(permanent.total, 2);
      const unknown = await store.list({ userId, errorCode: 'NO_SUCH_CODE' }, { limit: 10, offset: 0 });
      assert.deepEqual(unknown, { items: [], total: 0 });
    }),
  );
}
