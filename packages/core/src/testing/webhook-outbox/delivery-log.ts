import assert from 'node:assert/strict';
import type { ContractIt } from '../contract-runner.js';
import { at } from '../sample-notification.js';
import {
  claimAt,
  claimOf,
  endpointFor,
  outboxCases,
  outcome,
  W,
  type WebhookOutboxHarness,
  writeEvent,
} from './harness.js';

/** The delivery log of an endpoint: list by status, get, retry one, recover since. */
export function webhookOutboxDeliveryLogContract(
  it: ContractIt,
  makeStore: () => Promise<WebhookOutboxHarness>,
): void {
  const run = outboxCases(makeStore);

  it(
    `${W} list is one endpoint's, newest first, paged, filtered by status; get is one endpoint's`,
    run(async (store) => {
      const endpoint = await endpointFor(store, ['*']);
      const other = await endpointFor(store, ['notification.delivered']);
      const events = [];
      for (let i = 0; i < 5; i++) events.push(await writeEvent(store, 'notification.accepted', i * 1_000));
      const claimed = claimOf(await claimAt(store, 0, 1), events[0]?.id as string);
      await store.deliveries.record(claimed.delivery.id, claimed.lease, outcome(10, { status: 'failed' }));
      const page = await store.deliveries.list(endpoint.id, { limit: 2, offset: 1 });
      assert.equal(page.total, 5);
      assert.deepEqual(
        page.items.map((d) => d.eventId),
        [events[3]?.id, events[2]?.id],
      );
      const failed = await store.deliveries.list(endpoint.id, { status: 'failed', limit: 10, offset: 0 });
      assert.deepEqual(
        failed.items.map((d) => d.eventId),
        [events[0]?.id],
      );
      assert.equal(
        (await store.deliveries.list(endpoint.id, { status: 'succeeded', limit: 10, offset: 0 })).total,
        0,
      );
      assert.equal(
        (await store.deliveries.list(endpoint.id, { status: 'pending', limit: 10, offset: 10 })).total,
        4,
        'a page past the end still counts',
      );
      assert.equal((await store.deliveries.get(endpoint.id, claimed.delivery.id))?.status, 'failed');
      assert.equal(
        await store.deliveries.get(other.id, claimed.delivery.id),
        null,
        'not the other endpoint’s',
      );
      assert.deepEqual(await store.deliveries.attempts(other.id, claimed.delivery.id), []);
    }),
  );

  it(
    `${W} retryNow makes any delivery pending and due now, its lease dropped; null when unknown`,
    run(async (store) => {
      const endpoint = await endpointFor(store, ['*']);
      const event = await writeEvent(store, 'notification.accepted', 0);
      const claimed = claimOf(await claimAt(store, 0), event.id);
      await store.deliveries.record(claimed.delivery.id, claimed.lease, outcome(10, { status: 'succeeded' }));
      const retried = await store.deliveries.retryNow(endpoint.id, claimed.delivery.id, at(20));
      assert.deepEqual(
        [retried?.status, retried?.nextAttemptAt, retried?.attempts, retried?.updatedAt],
        ['pending', at(20), 1, at(20)],
      );
      assert.deepEqual(
        (await claimAt(store, 20)).map((c) => c.delivery.id),
        [claimed.delivery.id],
      );
      assert.equal(await store.deliveries.retryNow(endpoint.id, 'whd_unknown', at(20)), null);
      const other = await endpointFor(store, ['*']);
      assert.equal(await store.deliveries.retryNow(other.id, claimed.delivery.id, at(20)), null);
    }),
  );

  it(
    `${W} recover re-queues the endpoint's failed deliveries created since then, and only those`,
    run(async (store) => {
      const endpoint = await endpointFor(store, ['*']);
      const other = await endpointFor(store, ['*']);
      const old = await writeEvent(store, 'notification.accepted', 0);
      const recent = await writeEvent(store, 'notification.accepted', 10_000);
      const pending = await writeEvent(store, 'notification.accepted', 20_000);
      for (const claimed of await claimAt(store, 10_000)) {
        await store.deliveries.record(
          claimed.delivery.id,
          claimed.lease,
          outcome(10_500, { status: 'failed' }),
        );
      }
      assert.equal(await store.deliveries.recover(endpoint.id, at(5_000), at(30_000)), 1);
      const list = await store.deliveries.list(endpoint.id, { limit: 10, offset: 0 });
      const status = Object.fromEntries(
        list.items.map((d) => [d.eventId, [d.status, d.nextAttemptAt?.getTime() ?? null]]),
      );
      assert.deepEqual(status, {
        [old.id]: ['failed', null],
        [recent.id]: ['pending', at(30_000).getTime()],
        [pending.id]: ['pending', at(20_000).getTime()],
      });
      const others = await store.deliveries.list(other.id, { status: 'failed', limit: 10, offset: 0 });
      assert.equal(others.total, 2, "another endpoint's failures stay failed");
    }),
  );
}
