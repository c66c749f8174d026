import assert from 'node:assert/strict';
import { type ContractIt, caseNeeding, rejectsWithNotifyError } from '../contract-runner.js';
import type {
  NotificationStoreContractOptions,
  NotificationStoreHarness,
} from '../notification-store/harness.js';
import { storeCases } from '../notification-store/harness.js';
import { sampleNotification } from '../sample-notification.js';
import { E, endCursor, readToEnd, sampleEvent } from './harness.js';

/**
 * A reader polling while many writers commit in any order still gets every event once: a later
 * commit is never ordered before a cursor already handed out. And an outage is STORE_UNAVAILABLE.
 */
export function eventLogConcurrencyContract(
  it: ContractIt,
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions = {},
): void {
  const { lacks, run } = storeCases(makeStore, options);

  it(
    `${E} a reader polling during concurrent writes gets every event exactly once`,
    run(async (store) => {
      const records = Array.from({ length: 60 }, () => sampleNotification());
      await Promise.all(records.map((r) => store.insert(r)));
      const start = await endCursor(store.events);
      const written = records.map((r, n) => sampleEvent(r.requestId, 'notification.deferred', n));
      const mine = new Set(written.map((e) => e.id));
      const seen: string[] = [];
      let cursor = start;
      let writing = true;
      // Six writers, each committing its ten one after another, interleaved with the reader.
      const writes = Promise.all(
        Array.from({ length: 6 }, async (_, chain) => {
          for (let n = chain; n < records.length; n += 6) {
            const record = records[n]!;
            await store.update(
              record.requestId,
              { status: ['queued'] },
              { status: 'retrying', event: written[n] },
            );
            await new Promise((resolve) => setImmediate(resolve));
          }
        }),
      ).finally(() => {
        writing = false;
      });
      // Poll while the writes land, then once more after the last one.
      for (let polls = 0; writing || polls === 0; polls++) {
        const page = await readToEnd(store.events, cursor, mine, 7);
        seen.push(...page.events.map((e) => e.id));
        cursor = page.cursor;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await writes;
      const last = await readToEnd(store.events, cursor, mine, 7);
      seen.push(...last.events.map((e) => e.id));
      assert.equal(new Set(seen).size, seen.length, 'no event handed out twice');
      assert.deepEqual([...seen].sort(), [...mine].sort(), 'every event handed out');
    }),
  );

  caseNeeding(
    it,
    lacks,
    'outage',
    `${E} an unreachable store rejects timeline and list with STORE_UNAVAILABLE`,
    run(async (store, harness) => {
      assert.ok(
        harness.makeUnavailable,
        'harness.makeUnavailable is required unless lacks.outage is declared',
      );
      await harness.makeUnavailable();
      await rejectsWithNotifyError(store.events.timeline('any'), 'STORE_UNAVAILABLE', 'timeline');
      await rejectsWithNotifyError(store.events.list({ limit: 1 }), 'STORE_UNAVAILABLE', 'list');
    }),
  );
}
