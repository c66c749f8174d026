import { NotifyError } from '../domain/errors.js';
import type { NotificationEvent } from '../domain/events.js';
import {
  applyPatch,
  type NewNotification,
  type Notification,
  type NotificationPatch,
} from '../domain/notification.js';
import type { Clock } from '../ports/clock.js';
import { systemClock } from '../ports/clock.js';
import type {
  ClaimRequest,
  InsertResult,
  ListFilter,
  ListPage,
  ListResult,
  NotificationStore,
  NotificationStoreCapabilities,
  StrandedQuery,
  UpdateGuard,
} from '../ports/notification-store.js';
import { InMemoryEventLog } from './in-memory-event-log.js';
import { InMemoryWebhookDeliveryStore } from './in-memory-webhook-delivery-store.js';
import { InMemoryWebhookEndpointStore } from './in-memory-webhook-endpoint-store.js';
import { newestFirstBy, oldestFirst } from './ordering.js';

export interface InMemoryNotificationStoreOptions {
  /** Stamps `updatedAt` when a patch does not carry one. Default: the system clock. */
  clock?: Clock;
}

/**
 * The embedded store. Every method does its check-and-write in one synchronous step (no await
 * in between), which is what makes insert-if-absent and the conditional claim atomic on a
 * single event loop. Records are deep-copied in and out, so a caller holding a returned object
 * cannot change the store behind its back, just as with a real database. An outage switch and a
 * look at every record are test controls: ControllableNotificationStore in src/testing/doubles.
 */
export class InMemoryNotificationStore implements NotificationStore {
  readonly capabilities: NotificationStoreCapabilities = { durable: false, shared: false };
  /** By request id. Protected so the test doubles can look at every record. */
  protected readonly records = new Map<string, Notification>();
  /** Appended to in the same synchronous step as the change it reports. */
  readonly events: InMemoryEventLog = new InMemoryEventLog(() => this.assertUsable());
  readonly webhooks = new InMemoryWebhookEndpointStore();
  /** Fanned out to in the same synchronous step as each event. */
  readonly deliveries = new InMemoryWebhookDeliveryStore(this.webhooks, () => this.assertUsable());
  private readonly clock: Clock;
  private closed = false;

  constructor(options: InMemoryNotificationStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async insert(notification: NewNotification, event?: NotificationEvent): Promise<InsertResult> {
    this.assertUsable();
    const existing = this.records.get(notification.requestId);
    if (existing) return { created: false, notification: copy(existing) };
    const stored = copy(notification);
    this.records.set(stored.requestId, stored);
    if (event !== undefined) this.writeEvent(event);
    return { created: true, notification: copy(stored) };
  }

  async getByRequestId(requestId: string): Promise<Notification | null> {
    this.assertUsable();
    const found = this.records.get(requestId);
    return found ? copy(found) : null;
  }

  async list(filter: ListFilter, page: ListPage): Promise<ListResult> {
    this.assertUsable();
    const matching = [...this.records.values()]
      .filter(
        (n) =>
          (filter.userId === undefined || n.userId === filter.userId) &&
          (filter.templateCode === undefined || n.templateCode === filter.templateCode) &&
          (filter.errorCode === undefined || n.errorCode === filter.errorCode) &&
          (filter.statuses === undefined || filter.statuses.includes(n.status)),
      )
      .sort(newestFirstBy(page.sortBy ?? 'createdAt'));
    const items = matching.slice(page.offset, page.offset + page.limit).map(copy);
    return { items, total: matching.length };
  }

  async claim(request: ClaimRequest): Promise<Notification | null> {
    this.assertUsable();
    const record = this.records.get(request.requestId);
    if (!record) return null;
    const now = request.now.getTime();
    const claimable =
      record.status === 'queued' ||
      record.status === 'retrying' ||
      (record.status === 'processing' && leaseExpired(record, now));
    if (!claimable) return null;
    record.status = 'processing';
    record.leaseOwner = request.owner;
    record.leaseUntil = new Date(now + request.leaseMs);
    record.updatedAt = new Date(now);
    return copy(record);
  }

  async update(
    requestId: string,
    guard: UpdateGuard,
    patch: NotificationPatch,
  ): Promise<Notification | null> {
    this.assertUsable();
    const record = this.records.get(requestId);
    if (!record || !guard.status.includes(record.status)) return null;
    if (guard.leaseOwner !== undefined && record.leaseOwner !== guard.leaseOwner) return null;
    const copied = structuredClone(patch);
    const next = applyPatch(record, copied);
    if (patch.updatedAt === undefined) next.updatedAt = this.clock.now();
    if (copied.appendHistory) next.history.push(copied.appendHistory);
    this.records.set(requestId, next);
    if (copied.event !== undefined) this.writeEvent(copied.event);
    return copy(next);
  }

  async markPublished(requestIds: string[], at: Date): Promise<void> {
    this.assertUsable();
    for (const id of requestIds) {
      const record = this.records.get(id);
      if (
        record &&
        (record.status === 'queued' || record.status === 'retrying') &&
        record.publishedAt === null
      ) {
        record.publishedAt = new Date(at.getTime());
      }
    }
  }

  async findStranded(query: StrandedQuery): Promise<Notification[]> {
    this.assertUsable();
    const now = query.now.getTime();
    const before = query.unpublishedBefore.getTime();
    return [...this.records.values()]
      .filter(
        (n) =>
          ((n.status === 'queued' || n.status === 'retrying') &&
            n.publishedAt === null &&
            n.updatedAt.getTime() < before) ||
          (n.status === 'processing' && leaseExpired(n, now)),
      )
      .sort(oldestFirst)
      .slice(0, query.limit)
      .map(copy);
  }

  async ping(): Promise<void> {
    this.assertUsable();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Every call starts here; protected so a test double can add an outage. */
  /** The event and its deliveries, in the same synchronous step as the change. Protected for the test doubles. */
  protected writeEvent(event: NotificationEvent): void {
    this.events.append(event);
    this.deliveries.fanOut(event);
  }

  protected assertUsable(): void {
    if (this.closed) throw new NotifyError('STORE_UNAVAILABLE', 'In-memory store is closed');
  }
}

/** A lease with no expiry recorded counts as expired, so a half-written claim can never wedge a record. */
function leaseExpired(record: Notification, now: number): boolean {
  return record.leaseUntil === null || record.leaseUntil.getTime() <= now;
}

function copy(record: Notification): Notification {
  return structuredClone(record);
}
