import assert from 'node:assert/strict';
import type { ContractIt } from '../contract-runner.js';
import { sampleEvent } from '../event-log/harness.js';
import { at, sampleNotification } from '../sample-notification.js';
import { claimAt, endpointFor, outboxCases, W, type WebhookOutboxHarness, writeEvent } from './harness.js';

/** A delivery exists exactly when its event does, for exactly the endpoints that want it. */
export function webhookOutboxFanOutContract(
  it: ContractIt,
  makeStore: () => Promise<WebhookOutboxHarness>,
): void {
  const run = outboxCases(makeStore);

  it(
    `${W} an event writes one pending delivery per enabled endpoint subscribed to its type, due at once`,
    run(async (store) => {
      const wanted = await endpointFor(store, ['notification.accepted']);
      const everything = await endpointFor(store, ['*']);
      const other = await endpointFor(store, ['notification.delivered']);
      const disabled = await endpointFor(store, ['*'], { enabled: false });
      const event = await writeEvent(store, 'notification.accepted', 1_000);
      for (const endpoint of [wanted, everything]) {
        const { items, total } = await store.deliveries.list(endpoint.id, { limit: 10, offset: 0 });
        assert.equal(total, 1, `one delivery for ${endpoint.events.join(',')}`);
        assert.deepEqual(items[0], {
          id: items[0]?.id,
          endpointId: endpoint.id,
          eventId: event.id,
          eventType: 'notification.accepted',
          status: 'pending',
          attempts: 0,
          nextAttemptAt: at(1_000),
          lastResponseStatus: null,
          lastError: null,
          lastDurationMs: null,
          createdAt: at(1_000),
          updatedAt: at(1_000),
        });
        assert.match(items[0]?.id ?? '', /^whd_[0-9a-f]{32}$/);
      }
      for (const endpoint of [other, disabled]) {
        assert.equal((await store.deliveries.list(endpoint.id, { limit: 10, offset: 0 })).total, 0);
      }
    }),
  );

  it(
    `${W} a change that is not written (conflicting insert, failed guard) writes no delivery`,
    run(async (store) => {
      const endpoint = await endpointFor(store, ['*']);
      const record = sampleNotification({ status: 'processing', leaseOwner: 'worker-a' });
      await store.insert(record);
      const conflict = await store.insert(
        { ...record, id: sampleNotification().id },
        sampleEvent(record.requestId, 'notification.accepted'),
      );
      assert.equal(conflict.created, false);
      const refused = await store.update(
        record.requestId,
        { status: ['processing'], leaseOwner: 'worker-b' },
        { status: 'delivered', event: sampleEvent(record.requestId, 'notification.delivered', 5) },
      );
      assert.equal(refused, null);
      assert.equal((await store.deliveries.list(endpoint.id, { limit: 10, offset: 0 })).total, 0);
      const delivered = sampleEvent(record.requestId, 'notification.delivered', 9);
      const updated = await store.update(
        record.requestId,
        { status: ['processing'], leaseOwner: 'worker-a' },
        { status: 'delivered', event: delivered },
      );
      assert.equal(updated?.status, 'delivered');
      const { items } = await store.deliveries.list(endpoint.id, { limit: 10, offset: 0 });
      assert.deepEqual(
        items.map((d) => [d.eventId, d.eventType]),
        [[delivered.id, 'notification.delivered']],
        'the update that was written brought its delivery',
      );
    }),
  );

  it(
    `${W} a claimed delivery carries its endpoint and its event exactly as written`,
    run(async (store) => {
      const endpoint = await endpointFor(store, ['notification.failed']);
      const event = await writeEvent(store, 'notification.failed', 2_000);
      const [claimed, ...rest] = await claimAt(store, 2_000);
      assert.equal(rest.length, 0);
      assert.ok(claimed);
      assert.deepEqual(claimed.endpoint, endpoint);
      assert.deepEqual(
        { ...claimed.event, createdAt: claimed.event.createdAt.toISOString() },
        { id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), data: event.data },
      );
      assert.equal(claimed.delivery.eventId, event.id);
      assert.equal(typeof claimed.lease, 'string');
    }),
  );

  it(
    `${W} enqueue adds an event outside the log for one endpoint, subscribed or not; null for an unknown one`,
    run(async (store) => {
      const endpoint = await endpointFor(store, ['notification.delivered']);
      const test = {
        id: 'evt_test',
        type: 'webhook.test',
        createdAt: at(3_000),
        data: { webhook_id: endpoint.id },
      };
      const delivery = await store.deliveries.enqueue(endpoint.id, test, at(3_000));
      assert.equal(delivery?.eventType, 'webhook.test');
      assert.equal(delivery?.status, 'pending');
      const [claimed] = await claimAt(store, 3_000);
      assert.deepEqual(claimed?.event, test);
      assert.equal(await store.deliveries.enqueue('wh_unknown', test, at(3_000)), null);
    }),
  );

  it(
    `${W} deleting an endpoint deletes its deliveries`,
    run(async (store) => {
      const endpoint = await endpointFor(store, ['*']);
      const event = await writeEvent(store);
      const [delivery] = (await store.deliveries.list(endpoint.id, { limit: 1, offset: 0 })).items;
      assert.equal(delivery?.eventId, event.id);
      assert.equal(await store.webhooks.delete(endpoint.id), true);
      assert.equal(await store.deliveries.get(endpoint.id, delivery.id), null);
      assert.deepEqual(await claimAt(store, 0), []);
    }),
  );
}
