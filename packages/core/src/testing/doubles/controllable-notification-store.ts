import { NotifyError } from '../../domain/errors.js';
import type { Notification } from '../../domain/notification.js';
import { InMemoryNotificationStore } from '../../memory/in-memory-notification-store.js';

/**
 * The in-memory store with test controls: an outage switch, and a look at every record without
 * going through `list` (which needs a filter and a page).
 */
export class ControllableNotificationStore extends InMemoryNotificationStore {
  private available = true;

  /** Simulates an outage: while false, every call (ping included) rejects with STORE_UNAVAILABLE. */
  setAvailable(available: boolean): void {
    this.available = available;
  }

  /** Number of records held. */
  get size(): number {
    return this.records.size;
  }

  /** Every record, oldest first (created_at, then id), as copies. Works during an outage too. */
  all(): Notification[] {
    return [...this.records.values()]
      .sort(
        (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      )
      .map((record) => structuredClone(record));
  }

  protected override assertUsable(): void {
    super.assertUsable();
    if (!this.available)
      throw new NotifyError('STORE_UNAVAILABLE', 'In-memory store is unavailable (simulated)');
  }
}
