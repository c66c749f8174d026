import type { NotificationEvent } from '../domain/events.js';
import type {
  NewNotification,
  Notification,
  NotificationPatch,
  NotificationStatus,
} from '../domain/notification.js';
import type { EventLog } from './event-log.js';
import type { WebhookDeliveryStore } from './webhook-delivery-store.js';
import type { WebhookEndpointStore } from './webhook-endpoint-store.js';

export interface ListFilter {
  userId?: string;
  /** Any of these statuses (the API maps `pending` to queued + retrying). */
  statuses?: NotificationStatus[];
  templateCode?: string;
  /** Only records whose last error code is this one (dead-letter triage, e.g. SMTP_PERMANENT). */
  errorCode?: string;
}

export interface ListPage {
  /** 1..100 */
  limit: number;
  /** 0-based row offset. */
  offset: number;
  /**
   * The time "newest first" is by: `createdAt` (accepted; the default) or `updatedAt` (last
   * change, which for a failed record is when it failed). Ties are broken by id, descending.
   */
  sortBy?: 'createdAt' | 'updatedAt';
}

export interface ListResult {
  /** Newest first (by `ListPage.sortBy`, default created_at, desc; then id desc). */
  items: Notification[];
  total: number;
}

export type InsertResult =
  | { created: true; notification: Notification }
  | { created: false; notification: Notification };

export interface UpdateGuard {
  /** The update applies only while the record is in one of these statuses. */
  status: NotificationStatus[];
  /** ...and, when given, only while this worker holds the lease. */
  leaseOwner?: string;
}

export interface ClaimRequest {
  requestId: string;
  /** Worker identity written into `leaseOwner`. */
  owner: string;
  now: Date;
  leaseMs: number;
}

export interface StrandedQuery {
  now: Date;
  /** queued/retrying records with `publishedAt` null and `updatedAt` older than this are stranded. */
  unpublishedBefore: Date;
  limit: number;
}

/** Capabilities a backend may lack; contract tests skip what is declared absent, with a reason. */
export interface NotificationStoreCapabilities {
  /** Survives a process restart. */
  durable: boolean;
  /** Other processes read and write the same records (a database, not this process's memory). */
  shared: boolean;
}

/**
 * The source of truth. Every write is one atomic, conditional operation, so concurrent
 * workers and API replicas never double-claim or lose an update.
 */
export interface NotificationStore {
  readonly capabilities: NotificationStoreCapabilities;
  /** The events this store wrote with its changes (`event` below), for reading. */
  readonly events: EventLog;
  /** The webhook endpoints each event is fanned out to, when it is written. */
  readonly webhooks: WebhookEndpointStore;
  /** The webhook outbox: the deliveries written with the events, for the dispatchers. */
  readonly deliveries: WebhookDeliveryStore;
  /**
   * Inserts unless `requestId` exists; then returns the existing record untouched. Durable on
   * return. `event`, when given, is written in the same transaction, and only if the record was,
   * with a delivery for each enabled endpoint subscribed to its type.
   */
  insert(notification: NewNotification, event?: NotificationEvent): Promise<InsertResult>;
  getByRequestId(requestId: string): Promise<Notification | null>;
  list(filter: ListFilter, page: ListPage): Promise<ListResult>;
  /**
   * queued|retrying → processing, or processing with an expired lease → processing (reclaim),
   * setting `leaseOwner`/`leaseUntil = now + leaseMs` in one conditional write.
   * Returns the claimed record, or null when someone else holds it or it is final/unknown.
   */
  claim(request: ClaimRequest): Promise<Notification | null>;
  /**
   * Applies `patch` only if `guard` holds; returns the updated record, or null when the guard
   * failed. `patch.event`, when given, is written in the same transaction, and only if the update was
   * (with its deliveries, as for `insert`).
   */
  update(requestId: string, guard: UpdateGuard, patch: NotificationPatch): Promise<Notification | null>;
  /** Sets `publishedAt` on the given records if they are still queued/retrying and unpublished. */
  markPublished(requestIds: string[], at: Date): Promise<void>;
  /**
   * Records that need a (re)publish: queued/retrying and unpublished since before `unpublishedBefore`,
   * or processing with a lease that expired before `now`. Oldest first.
   */
  findStranded(query: StrandedQuery): Promise<Notification[]>;
  /** Cheap liveness check; throws when the store is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const NotificationStoreToken = Symbol.for('@notify/NotificationStore');
