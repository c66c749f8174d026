import assert from 'node:assert/strict';
import { type ContractIt, rejectsWithNotifyError } from '../contract-runner.js';
import type {
  NotificationStoreContractOptions,
  NotificationStoreHarness,
} from '../notification-store/harness.js';
import { storeCases } from '../notification-store/harness.js';
import { at, sampleNotification } from '../sample-notification.js';
import { assertSameEvent, E, endCursor, readToEnd, sampleEvent } from './harness.js';

/** The timeline of one notification, and the whole log read by cursor, oldest first. */
export function eventLogReadsContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  const { run } = storeCases(makeStore, options);

  it(
    `${E} a timeline holds its notification's events only, oldest first`,
    run(async (store) => {
      const record = sampleNotification();
      const other = sampleNotification();
      const accepted = sampleEvent(record.requestId, 'notification.accepted', 0);
      await store.insert(record, accepted);
      await store.insert(other, sampleEvent(other.requestId, 'notification.accepted', 0));
      const deferred = sampleEvent(record.requestId, 'notification.deferred', 10);
      await store.update(record.requestId, { status: ['queued'] }, { status: 'retrying', event: deferred });
      const failed = sampleEvent(record.requestId, 'notification.failed', 20);
      await store.update(record.requestId, { status: ['retrying'] }, { status: 'failed', event: failed });
      const timeline = await store.events.timeline(record.requestId);
      assert.deepEqual(
        timeline.map((e) => e.type),
        ['notification.accepted', 'notification.deferred', 'notification.failed'],
      );
      assertSameEvent(timeline[2], failed);
      assert.deepEqual(await store.events.timeline(`unknown-${record.requestId}`), []);
    }),
  );

  it(
    `${E} the log pages by cursor, oldest first, each event once, and an empty page keeps the cursor`,
    run(async (store) => {
      const start = await endCursor(store.events);
      const written: string[] = [];
      for (let n = 0; n < 5; n++) {
        const record = sampleNotification();
        const event = sampleEvent(record.requestId, 'notification.accepted', n);
        await store.insert(record, event);
        written.push(event.id);
      }
      const mine = new Set(written);
      const { events, cursor } = await readToEnd(store.events, start, mine, 2);
      assert.deepEqual(
        events.map((e) => e.id),
        written,
      );
      assert.ok(cursor !== undefined, 'a cursor after the events read');
      const empty = await store.events.list({ limit: 10, after: cursor });
      assert.deepEqual(empty.events, []);
      assert.equal(empty.nextCursor, cursor, 'an empty page hands the same cursor back');
      assert.equal(empty.hasMore, false);
      // limit is honoured and hasMore says so
      const firstTwo = await store.events.list({
        limit: 2,
        ...(start === undefined ? {} : { after: start }),
      });
      assert.equal(firstTwo.events.length, 2);
      assert.equal(firstTwo.hasMore, true);
    }),
  );

  it(
    `${E} list filters by type and by time`,
    run(async (store) => {
      const start = await endCursor(store.events);
      const record = sampleNotification();
      const accepted = sampleEvent(record.requestId, 'notification.accepted', 0);
      await store.insert(record, accepted);
      const deferred = sampleEvent(record.requestId, 'notification.deferred', 60_000);
      await store.update(record.requestId, { status: ['queued'] }, { status: 'retrying', event: deferred });
      const failed = sampleEvent(record.requestId, 'notification.failed', 120_000);
      await store.update(record.requestId, { status: ['retrying'] }, { status: 'failed', event: failed });
      const after = start === undefined ? {} : { after: start };
      const byType = await store.events.list({
        limit: 100,
        ...after,
        types: ['notification.failed', 'notification.accepted'],
      });
      assert.deepEqual(
        byType.events.filter((e) => e.requestId === record.requestId).map((e) => e.id),
        [accepted.id, failed.id],
      );
      const bySince = await store.events.list({ limit: 100, ...after, since: at(60_000) });
      assert.deepEqual(
        bySince.events.filter((e) => e.requestId === record.requestId).map((e) => e.id),
        [deferred.id, failed.id],
      );
    }),
  );

  it(
    `${E} a cursor the log never handed out is VALIDATION_FAILED at cursor`,
    run(async (store) => {
      for (const cursor of ['garbage', 'm.x.1', 'p1.1.1.1', '', '9999999999999999999999']) {
        const error = await rejectsWithNotifyError(
          store.events.list({ limit: 10, after: cursor }),
          'VALIDATION_FAILED',
          `cursor ${JSON.stringify(cursor)}`,
        );
        assert.equal(error.details?.[0]?.path, 'cursor');
      }
    }),
  );
}
