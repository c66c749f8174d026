import assert from 'node:assert/strict';
import type { EventType, NotificationEvent } from '../../domain/events.js';
import type { WebhookEndpoint } from '../../domain/webhook-endpoint.js';
import type { NotificationStore } from '../../ports/notification-store.js';
import type { ClaimedDelivery, DeliveryAttemptRecord } from '../../ports/webhook-delivery-store.js';
import { type BaseHarness, withHarness } from '../contract-runner.js';
import { sampleEvent } from '../event-log/harness.js';
import { at, sampleNotification } from '../sample-notification.js';
import { sampleWebhookEndpoint } from '../webhook-endpoint-store-contract.js';

/**
 * What `makeStore` returns for each case: a NotificationStore whose endpoints (`store.webhooks`)
 * and outbox (`store.deliveries`) are empty. Notifications and events may be shared with other
 * cases; the outbox may not (a claim takes whatever is due).
 */
export type WebhookOutboxHarness = BaseHarness<NotificationStore>;

/** Every case's title starts with this (tests elsewhere find cases by their titles). */
export const W = 'WebhookOutbox:';

export type OutboxCase = (store: NotificationStore) => Promise<void>;

export function outboxCases(makeStore: () => Promise<WebhookOutboxHarness>) {
  return (body: OutboxCase) => () => withHarness(makeStore, (harness) => body(harness.subject));
}

/** Stores an endpoint subscribed to `events` (enabled unless said). */
export async function endpointFor(
  store: NotificationStore,
  events: WebhookEndpoint['events'],
  overrides: Partial<WebhookEndpoint> = {},
): Promise<WebhookEndpoint> {
  return store.webhooks.create(sampleWebhookEndpoint({ events, ...overrides }));
}

/** Inserts a notification with an event of `type` at `ms` after the epoch; the event. */
export async function writeEvent(
  store: NotificationStore,
  type: EventType = 'notification.accepted',
  ms = 0,
): Promise<NotificationEvent> {
  const record = sampleNotification();
  const event = sampleEvent(record.requestId, type, ms);
  const inserted = await store.insert(record, event);
  assert.equal(inserted.created, true);
  return event;
}

/** Claims what is due at `ms`, for one owner, with a 60 s lease. */
export function claimAt(store: NotificationStore, ms: number, limit = 100, owner = 'worker-a') {
  return store.deliveries.claimDue({ now: at(ms), leaseMs: 60_000, limit, owner });
}

/** An attempt at `ms` with this outcome. */
export function outcome(
  ms: number,
  next: DeliveryAttemptRecord['next'],
  response: { status?: number | null; error?: string | null } = {},
  disableAfterMs = 5 * 86_400_000,
): DeliveryAttemptRecord {
  const failed = next.status !== 'succeeded';
  return {
    attempt: {
      at: at(ms),
      responseStatus: response.status === undefined ? (failed ? 500 : 204) : response.status,
      durationMs: 12,
      error: response.error === undefined ? (failed ? 'HTTP 500' : null) : response.error,
    },
    next,
    disableIfFailingSince: at(ms - disableAfterMs),
  };
}

/** The claim of `deliveryId` among `claimed`, asserting it is there. */
export function claimOf(claimed: ClaimedDelivery[], eventId: string): ClaimedDelivery {
  const found = claimed.find((c) => c.event.id === eventId);
  assert.ok(found, `expected a claimed delivery of event ${eventId}`);
  return found;
}
