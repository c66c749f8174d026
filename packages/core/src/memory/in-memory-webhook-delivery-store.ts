import { randomBytes } from 'node:crypto';
import type { NotificationEvent } from '../domain/events.js';
import {
  type DeliveryAttempt,
  newDeliveryId,
  type OutboundEvent,
  type WebhookDelivery,
} from '../domain/webhook-delivery.js';
import type { WebhookEndpoint } from '../domain/webhook-endpoint.js';
import type {
  ClaimedDelivery,
  DeliveryAttemptRecord,
  DeliveryClaimRequest,
  DeliveryListQuery,
  WebhookDeliveryStore,
} from '../ports/webhook-delivery-store.js';
import type { InMemoryWebhookEndpointStore } from './in-memory-webhook-endpoint-store.js';
import { newestFirstBy } from './ordering.js';

interface Entry {
  delivery: WebhookDelivery;
  event: OutboundEvent;
  attempts: DeliveryAttempt[];
  lease: string | null;
  leaseUntil: Date | null;
}

/**
 * The embedded webhook outbox. The owning store calls `fanOut` in the same synchronous step as
 * the change and its event, and every method does its check-and-write without an await, which is
 * what makes a claim exclusive on one event loop. Deleting an endpoint drops its deliveries.
 */
export class InMemoryWebhookDeliveryStore implements WebhookDeliveryStore {
  readonly #entries = new Map<string, Entry>();
  readonly #endpoints: InMemoryWebhookEndpointStore;
  readonly #assertUsable: () => void;

  /** `assertUsable` runs before every call: the owning store's outage switch. */
  constructor(endpoints: InMemoryWebhookEndpointStore, assertUsable: () => void = () => {}) {
    this.#endpoints = endpoints;
    this.#assertUsable = assertUsable;
    endpoints.onDelete((id) => {
      for (const [key, entry] of this.#entries)
        if (entry.delivery.endpointId === id) this.#entries.delete(key);
    });
  }

  /** One pending delivery of `event` for each enabled endpoint subscribed to its type, due at once. */
  fanOut(event: NotificationEvent): void {
    for (const endpointId of this.#endpoints.subscriberIds(event.type)) {
      this.#add(endpointId, { id: event.id, type: event.type, createdAt: event.createdAt, data: event.data });
    }
  }

  async enqueue(endpointId: string, event: OutboundEvent, now: Date): Promise<WebhookDelivery | null> {
    this.#assertUsable();
    if (this.#endpoints.peek(endpointId) === undefined) return null;
    return copy(this.#add(endpointId, event, now).delivery);
  }

  async claimDue(request: DeliveryClaimRequest): Promise<ClaimedDelivery[]> {
    this.#assertUsable();
    const { now } = request;
    const due = [...this.#entries.values()]
      .filter(
        (e) =>
          e.delivery.status === 'pending' &&
          e.delivery.nextAttemptAt !== null &&
          e.delivery.nextAttemptAt <= now &&
          (e.leaseUntil === null || e.leaseUntil <= now) &&
          this.#endpoints.peek(e.delivery.endpointId)?.enabled === true,
      )
      .sort(
        (a, b) => (a.delivery.nextAttemptAt as Date).getTime() - (b.delivery.nextAttemptAt as Date).getTime(),
      )
      .slice(0, request.limit);
    return due.map((entry) => {
      entry.lease = `${request.owner}:${randomBytes(6).toString('base64url')}`;
      entry.leaseUntil = new Date(now.getTime() + request.leaseMs);
      return {
        delivery: copy(entry.delivery),
        endpoint: this.#endpoints.peek(entry.delivery.endpointId) as WebhookEndpoint,
        event: structuredClone(entry.event),
        lease: entry.lease,
      };
    });
  }

  async record(deliveryId: string, lease: string, outcome: DeliveryAttemptRecord): Promise<boolean> {
    this.#assertUsable();
    const entry = this.#entries.get(deliveryId);
    if (entry === undefined || entry.lease !== lease) return false;
    const { attempt, next } = outcome;
    const delivery = entry.delivery;
    delivery.attempts += 1;
    entry.attempts.push({ ...structuredClone(attempt), attempt: delivery.attempts });
    delivery.status = next.status;
    delivery.nextAttemptAt = next.status === 'pending' ? new Date(next.nextAttemptAt) : null;
    delivery.lastResponseStatus = attempt.responseStatus;
    delivery.lastError = attempt.error;
    delivery.lastDurationMs = attempt.durationMs;
    delivery.updatedAt = new Date(attempt.at);
    entry.lease = null;
    entry.leaseUntil = null;
    const endpoint = this.#endpoints.peek(delivery.endpointId);
    if (endpoint !== undefined) {
      if (next.status === 'succeeded') this.#endpoints.setFailure(endpoint.id, null, false);
      else {
        const since = endpoint.failingSince ?? attempt.at;
        this.#endpoints.setFailure(endpoint.id, since, since <= outcome.disableIfFailingSince);
      }
    }
    return true;
  }

  async list(
    endpointId: string,
    query: DeliveryListQuery,
  ): Promise<{ items: WebhookDelivery[]; total: number }> {
    this.#assertUsable();
    const matching = [...this.#entries.values()]
      .map((e) => e.delivery)
      .filter((d) => d.endpointId === endpointId && (query.status === undefined || d.status === query.status))
      .sort(newestFirstBy('createdAt'));
    return {
      items: matching.slice(query.offset, query.offset + query.limit).map(copy),
      total: matching.length,
    };
  }

  async get(endpointId: string, deliveryId: string): Promise<WebhookDelivery | null> {
    this.#assertUsable();
    const entry = this.#mine(endpointId, deliveryId);
    return entry === undefined ? null : copy(entry.delivery);
  }

  async attempts(endpointId: string, deliveryId: string): Promise<DeliveryAttempt[]> {
    this.#assertUsable();
    return structuredClone(this.#mine(endpointId, deliveryId)?.attempts ?? []);
  }

  async retryNow(endpointId: string, deliveryId: string, now: Date): Promise<WebhookDelivery | null> {
    this.#assertUsable();
    const entry = this.#mine(endpointId, deliveryId);
    if (entry === undefined) return null;
    this.#requeue(entry, now);
    return copy(entry.delivery);
  }

  async recover(endpointId: string, since: Date, now: Date): Promise<number> {
    this.#assertUsable();
    let count = 0;
    for (const entry of this.#entries.values()) {
      const d = entry.delivery;
      if (d.endpointId !== endpointId || d.status !== 'failed' || d.createdAt < since) continue;
      this.#requeue(entry, now);
      count += 1;
    }
    return count;
  }

  #add(endpointId: string, event: OutboundEvent, at: Date = event.createdAt): Entry {
    const delivery: WebhookDelivery = {
      id: newDeliveryId(),
      endpointId,
      eventId: event.id,
      eventType: event.type,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: new Date(at),
      lastResponseStatus: null,
      lastError: null,
      lastDurationMs: null,
      createdAt: new Date(at),
      updatedAt: new Date(at),
    };
    const entry: Entry = {
      delivery,
      event: structuredClone(event),
      attempts: [],
      lease: null,
      leaseUntil: null,
    };
    this.#entries.set(delivery.id, entry);
    return entry;
  }

  #mine(endpointId: string, deliveryId: string): Entry | undefined {
    const entry = this.#entries.get(deliveryId);
    return entry?.delivery.endpointId === endpointId ? entry : undefined;
  }

  #requeue(entry: Entry, now: Date): void {
    entry.delivery.status = 'pending';
    entry.delivery.nextAttemptAt = new Date(now);
    entry.delivery.updatedAt = new Date(now);
    entry.lease = null;
    entry.leaseUntil = null;
  }
}

function copy(delivery: WebhookDelivery): WebhookDelivery {
  return structuredClone(delivery);
}
