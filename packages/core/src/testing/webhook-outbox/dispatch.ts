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

/** Claims are exclusive while leased; records apply under their lease only; the schedule holds. */
export function webhookOutboxDispatchContract(
  it: ContractIt,
  makeStore: () => Promise<WebhookOutboxHarness>,
): void {
  const run = outboxCases(makeStore);

  it(
    `${W} a claim takes only what is due, oldest first, up to the limit, and leases it`,
    run(async (store) => {
      await endpointFor(store, ['*']);
      const later = await writeEvent(store, 'notification.accepted', 5_000);
      const first = await writeEvent(store, 'notification.accepted', 1_000);
      const second = await writeEvent(store, 'notification.accepted', 2_000);
      assert.deepEqual(await claimAt(store, 999), [], 'nothing is due before its time');
      const claimed = await claimAt(store, 5_000, 2);
      assert.deepEqual(
        claimed.map((c) => c.event.id),
        [first.id, second.id],
        'oldest due first, limit respected',
      );
      const rest = await claimAt(store, 5_000, 10, 'worker-b');
      assert.deepEqual(
        rest.map((c) => c.event.id),
        [later.id],
        'leased ones are not claimed again',
      );
      assert.deepEqual(await claimAt(store, 64_000, 10, 'worker-b'), [], 'the lease holds for leaseMs');
      const expired = await claimAt(store, 65_001, 10, 'worker-b');
      assert.deepEqual(expired.map((c) => c.event.id).sort(), [first.id, second.id, later.id].sort());
    }),
  );

  it(
    `${W} concurrent claims never hand out the same delivery twice`,
    run(async (store) => {
      await endpointFor(store, ['*']);
      const written = await Promise.all(
        Array.from({ length: 40 }, (_, i) => writeEvent(store, 'notification.accepted', i)),
      );
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => claimAt(store, 1_000, 7, `worker-${i}`)),
      );
      const ids = claims.flat().map((c) => c.delivery.id);
      assert.equal(new Set(ids).size, ids.length, 'no delivery in two claims');
      const more = await claimAt(store, 1_000, 100, 'worker-z');
      assert.equal(ids.length + more.length, written.length, 'every delivery claimed exactly once');
    }),
  );

  it(
    `${W} a success is recorded under its lease: succeeded, the attempt logged, never claimed again`,
    run(async (store) => {
      const endpoint = await endpointFor(store, ['*']);
      const event = await writeEvent(store, 'notification.accepted', 0);
      const claimed = claimOf(await claimAt(store, 0), event.id);
      assert.equal(
        await store.deliveries.record(
          claimed.delivery.id,
          claimed.lease,
          outcome(100, { status: 'succeeded' }),
        ),
        true,
      );
      const delivery = await store.deliveries.get(endpoint.id, claimed.delivery.id);
      assert.deepEqual(
        { ...delivery, updatedAt: delivery?.updatedAt.toISOString() },
        {
          ...claimed.delivery,
          status: 'succeeded',
          attempts: 1,
          nextAttemptAt: null,
          lastResponseStatus: 204,
          lastError: null,
          lastDurationMs: 12,
          updatedAt: at(100).toISOString(),
        },
      );
      assert.deepEqual(await store.deliveries.attempts(endpoint.id, claimed.delivery.id), [
        { attempt: 1, at: at(100), responseStatus: 204, durationMs: 12, error: null },
      ]);
      assert.deepEqual(await claimAt(store, 10 * 86_400_000), [], 'a success is final');
    }),
  );

  it(
    `${W} a failure with a retry due is pending until then; the last one is failed for good`,
    run(async (store) => {
      const endpoint = await endpointFor(store, ['*']);
      const event = await writeEvent(store, 'notification.accepted', 0);
      const first = claimOf(await claimAt(store, 0), event.id);
      await store.deliveries.record(
        first.delivery.id,
        first.lease,
        outcome(50, { status: 'pending', nextAttemptAt: at(5_050) }),
      );
      assert.deepEqual(await claimAt(store, 5_049), [], 'not before the retry is due');
      const second = claimOf(await claimAt(store, 5_050), event.id);
      assert.equal(second.delivery.attempts, 1);
      assert.equal(
        await store.deliveries.record(
          second.delivery.id,
          second.lease,
          outcome(5_100, { status: 'failed' }, { status: null, error: 'timed out' }),
        ),
        true,
      );
      const delivery = await store.deliveries.get(endpoint.id, first.delivery.id);
      assert.equal(delivery?.status, 'failed');
      assert.equal(delivery?.attempts, 2);
      assert.equal(delivery?.nextAttemptAt, null);
      assert.equal(delivery?.lastResponseStatus, null);
      assert.equal(delivery?.lastError, 'timed out');
      assert.deepEqual(
        (await store.deliveries.attempts(endpoint.id, first.delivery.id)).map((a) => [
          a.attempt,
          a.responseStatus,
          a.error,
        ]),
        [
          [1, 500, 'HTTP 500'],
          [2, null, 'timed out'],
        ],
      );
      assert.deepEqual(await claimAt(store, 10 * 86_400_000), [], 'a failed delivery is not claimed');
    }),
  );

  it(
    `${W} a record whose lease is gone (taken over, or retried meanwhile) writes nothing`,
    run(async (store) => {
      const endpoint = await endpointFor(store, ['*']);
      const event = await writeEvent(store, 'notification.accepted', 0);
      const stale = claimOf(await claimAt(store, 0, 10, 'worker-a'), event.id);
      const current = claimOf(await claimAt(store, 70_000, 10, 'worker-b'), event.id);
      assert.equal(
        await store.deliveries.record(
          stale.delivery.id,
          stale.lease,
          outcome(70_001, { status: 'succeeded' }),
        ),
        false,
      );
      assert.equal((await store.deliveries.get(endpoint.id, stale.delivery.id))?.attempts, 0);
      await store.deliveries.retryNow(endpoint.id, stale.delivery.id, at(70_002));
      assert.equal(
        await store.deliveries.record(
          current.delivery.id,
          current.lease,
          outcome(70_003, { status: 'succeeded' }),
        ),
        false,
      );
      assert.deepEqual(
        await store.deliveries.attempts(endpoint.id, stale.delivery.id),
        [],
        'no attempt logged',
      );
      assert.equal((await store.deliveries.get(endpoint.id, stale.delivery.id))?.status, 'pending');
    }),
  );

  it(
    `${W} an endpoint failing since before the disable time is disabled; a success resets its clock`,
    run(async (store) => {
      const endpoint = await endpointFor(store, ['*']);
      const day = 86_400_000;
      const send = async (ms: number, next: Parameters<typeof outcome>[1]) => {
        const event = await writeEvent(store, 'notification.accepted', ms);
        const claimed = claimOf(await claimAt(store, ms), event.id);
        assert.equal(
          await store.deliveries.record(claimed.delivery.id, claimed.lease, outcome(ms, next)),
          true,
        );
      };
      await send(0, { status: 'failed' });
      assert.deepEqual((await store.webhooks.get(endpoint.id))?.failingSince, at(0));
      await send(1 * day, { status: 'succeeded' });
      assert.equal((await store.webhooks.get(endpoint.id))?.failingSince, null, 'a success clears it');
      await send(2 * day, { status: 'failed' });
      await send(6 * day, { status: 'failed' });
      const stillOn = await store.webhooks.get(endpoint.id);
      assert.deepEqual([stillOn?.enabled, stillOn?.failingSince], [true, at(2 * day)], 'four days: still on');
      await send(7 * day, { status: 'failed' });
      const off = await store.webhooks.get(endpoint.id);
      assert.deepEqual(
        [off?.enabled, off?.failingSince],
        [false, at(2 * day)],
        'five days failing: disabled',
      );
      await writeEvent(store, 'notification.accepted', 7 * day + 1);
      assert.equal(
        (await store.deliveries.list(endpoint.id, { limit: 100, offset: 0 })).total,
        5,
        'a disabled endpoint gets no new deliveries',
      );
    }),
  );

  it(
    `${W} the deliveries of a disabled endpoint wait, and are claimed again once it is enabled`,
    run(async (store) => {
      const endpoint = await endpointFor(store, ['*']);
      const event = await writeEvent(store, 'notification.accepted', 0);
      await store.webhooks.update(endpoint.id, { enabled: false, updatedAt: at(1) });
      assert.deepEqual(await claimAt(store, 10), []);
      await store.webhooks.update(endpoint.id, { enabled: true, updatedAt: at(2) });
      assert.deepEqual(
        (await claimAt(store, 10)).map((c) => c.event.id),
        [event.id],
      );
    }),
  );
}
