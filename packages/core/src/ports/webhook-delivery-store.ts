import type {
  DeliveryAttempt,
  DeliveryStatus,
  OutboundEvent,
  WebhookDelivery,
} from '../domain/webhook-delivery.js';
import type { WebhookEndpoint } from '../domain/webhook-endpoint.js';

export interface DeliveryClaimRequest {
  now: Date;
  /** Each claimed delivery is held this long: no other claim takes it before. */
  leaseMs: number;
  /** Most deliveries to take. */
  limit: number;
  /** Who holds the lease (worker id); a record must name the same claim. */
  owner: string;
}

/** A delivery taken to be sent: what to send, and where. */
export interface ClaimedDelivery {
  delivery: WebhookDelivery;
  endpoint: WebhookEndpoint;
  event: OutboundEvent;
  /** Names this claim; `record` applies only while the lease is still this one. */
  lease: string;
}

/** The outcome of one attempt, and what follows it. */
export interface DeliveryAttemptRecord {
  attempt: Omit<DeliveryAttempt, 'attempt'>;
  /** succeeded; or pending again (retry due at `nextAttemptAt`); or failed for good. */
  next: { status: 'succeeded' } | { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' };
  /**
   * On a failed attempt: the endpoint is disabled when its failures began at or before this time
   * (`at - WEBHOOK_DISABLE_AFTER`). A succeeded attempt clears the endpoint's `failingSince`.
   */
  disableIfFailingSince: Date;
}

export interface DeliveryListQuery {
  status?: DeliveryStatus;
  limit: number;
  offset: number;
}

/**
 * The webhook outbox: one delivery per (enabled endpoint subscribed to the type, event). A
 * NotificationStore writes the deliveries of each event it writes, in the same transaction (so a
 * crash loses none), and exposes its outbox as `store.deliveries`; the endpoints it fans out to
 * are its `store.webhooks`. Dispatchers in any number of processes share the due deliveries
 * through `claimDue` without sending one twice while its lease holds.
 */
export interface WebhookDeliveryStore {
  /**
   * A delivery of an event that is not in the event log (`webhook.test`) to one endpoint, due
   * now, whether or not the endpoint subscribes to the type; null when the endpoint is unknown.
   */
  enqueue(endpointId: string, event: OutboundEvent, now: Date): Promise<WebhookDelivery | null>;
  /**
   * Pending deliveries of enabled endpoints due at `now` and not leased, oldest due first; each
   * leased to this claim until `now + leaseMs`. Concurrent claims never get the same delivery.
   */
  claimDue(request: DeliveryClaimRequest): Promise<ClaimedDelivery[]>;
  /**
   * Stores an attempt (in the attempt log) and its outcome, and the endpoint's failure clock, in
   * one transaction, if `lease` still holds the delivery; false (nothing written) when it does not.
   */
  record(deliveryId: string, lease: string, outcome: DeliveryAttemptRecord): Promise<boolean>;
  /** One endpoint's deliveries, newest first (created_at, then id, descending). */
  list(endpointId: string, query: DeliveryListQuery): Promise<{ items: WebhookDelivery[]; total: number }>;
  /** null when unknown or not this endpoint's. */
  get(endpointId: string, deliveryId: string): Promise<WebhookDelivery | null>;
  /** The attempts of a delivery, first first; [] for an unknown one. */
  attempts(endpointId: string, deliveryId: string): Promise<DeliveryAttempt[]>;
  /** Whatever its status, pending and due at `now`, any lease dropped; null when unknown. */
  retryNow(endpointId: string, deliveryId: string, now: Date): Promise<WebhookDelivery | null>;
  /** Every failed delivery of the endpoint created at or after `since` → pending, due at `now`; how many. */
  recover(endpointId: string, since: Date, now: Date): Promise<number>;
}

export const WebhookDeliveryStoreToken = Symbol.for('@notify/WebhookDeliveryStore');
