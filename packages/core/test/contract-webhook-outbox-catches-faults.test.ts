// The webhook outbox suite must be able to fail (see contract-fault-runner.ts): it runs against
// outboxes broken on purpose: a fan-out blind to the subscription, a delivery written though its
// change was not, a claim that ignores leases, a record that ignores them, an endpoint never
// disabled, a recovery blind to `since`, a status filter ignored.
import {
  type DeliveryAttemptRecord,
  type DeliveryClaimRequest,
  type DeliveryListQuery,
  EVENT_TYPES,
  InMemoryNotificationStore,
  InMemoryWebhookDeliveryStore,
  type NewNotification,
  type NotificationEvent,
} from '@notify/email-core';
import { webhookOutboxContract } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { outcomeOf, runSuite } from './contract-fault-runner.js';

function outboxSuite(make: () => InMemoryNotificationStore) {
  return runSuite((it) =>
    webhookOutboxContract(it, async () => {
      const store = make();
      return { subject: store, cleanup: () => store.close() };
    }),
  );
}

/** A store whose outbox is `make(endpoints)` instead of the reference one. */
function withOutbox(make: (store: InMemoryNotificationStore) => InMemoryWebhookDeliveryStore) {
  return () => {
    const store = new InMemoryNotificationStore();
    Object.defineProperty(store, 'deliveries', { value: make(store) });
    return store;
  };
}

/** Fans every event out to every enabled endpoint, whatever it subscribed to. */
function subscriptionBlindStore(): InMemoryNotificationStore {
  const store = new InMemoryNotificationStore();
  const subscribers = store.webhooks.subscriberIds.bind(store.webhooks);
  store.webhooks.subscriberIds = () => [...new Set(EVENT_TYPES.flatMap((type) => subscribers(type)))];
  return store;
}

/** Writes the deliveries before the insert, whether or not the insert is then written. */
class DeliveryBeforeInsertStore extends InMemoryNotificationStore {
  override async insert(notification: NewNotification, event?: NotificationEvent) {
    if (event) this.deliveries.fanOut(event);
    return super.insert(notification);
  }
}

class LeaseBlindClaims extends InMemoryWebhookDeliveryStore {
  override claimDue(request: DeliveryClaimRequest) {
    // Every lease ends as it starts: as if `lease_until` were never compared.
    return super.claimDue({ ...request, leaseMs: 0 });
  }
}

class LeaseBlindRecords extends InMemoryWebhookDeliveryStore {
  readonly #leases = new Map<string, string>();
  override async claimDue(request: DeliveryClaimRequest) {
    const claimed = await super.claimDue(request);
    for (const c of claimed) this.#leases.set(c.delivery.id, c.lease);
    return claimed;
  }
  override async record(deliveryId: string, _lease: string, outcome: DeliveryAttemptRecord) {
    // Records with whatever lease it last handed out, the stale claim's or not.
    const latest = this.#leases.get(deliveryId);
    return latest === undefined ? false : super.record(deliveryId, latest, outcome);
  }
}

class NeverDisables extends InMemoryWebhookDeliveryStore {
  override record(deliveryId: string, lease: string, outcome: DeliveryAttemptRecord) {
    return super.record(deliveryId, lease, { ...outcome, disableIfFailingSince: new Date(0) });
  }
}

class SinceBlindRecovery extends InMemoryWebhookDeliveryStore {
  override recover(endpointId: string, _since: Date, now: Date) {
    return super.recover(endpointId, new Date(0), now);
  }
}

class StatusBlindList extends InMemoryWebhookDeliveryStore {
  override list(endpointId: string, query: DeliveryListQuery) {
    const { status: _ignored, ...rest } = query;
    return super.list(endpointId, rest);
  }
}

const outbox = (Kind: typeof InMemoryWebhookDeliveryStore) => withOutbox((store) => new Kind(store.webhooks));

describe('webhookOutboxContract catches a broken outbox', () => {
  it('passes the in-memory reference, every case', async () => {
    const results = await outboxSuite(() => new InMemoryNotificationStore());
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(15);
  });

  it('fails a fan-out that ignores what an endpoint subscribed to', async () => {
    const results = await outboxSuite(subscriptionBlindStore);
    expect(outcomeOf(results, 'one pending delivery per enabled endpoint subscribed')).toBe('failed');
  });

  it('fails a delivery written for an insert that did not happen', async () => {
    const results = await outboxSuite(() => new DeliveryBeforeInsertStore());
    expect(outcomeOf(results, 'a change that is not written')).toBe('failed');
  });

  it('fails claims that ignore leases', async () => {
    const results = await outboxSuite(outbox(LeaseBlindClaims));
    expect(outcomeOf(results, 'concurrent claims never hand out')).toBe('failed');
    expect(outcomeOf(results, 'takes only what is due')).toBe('failed');
  });

  it('fails records that ignore the lease they were claimed under', async () => {
    const results = await outboxSuite(outbox(LeaseBlindRecords));
    expect(outcomeOf(results, 'whose lease is gone')).toBe('failed');
  });

  it('fails an endpoint that is never disabled', async () => {
    const results = await outboxSuite(outbox(NeverDisables));
    expect(outcomeOf(results, 'is disabled; a success resets')).toBe('failed');
  });

  it('fails a recovery that ignores since', async () => {
    const results = await outboxSuite(outbox(SinceBlindRecovery));
    expect(outcomeOf(results, 'recover re-queues')).toBe('failed');
  });

  it('fails a list that ignores the status filter', async () => {
    const results = await outboxSuite(outbox(StatusBlindList));
    expect(outcomeOf(results, 'filtered by status')).toBe('failed');
  });
});
