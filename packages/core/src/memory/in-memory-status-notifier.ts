import type { StatusEvent, StatusNotifier } from '../ports/status-notifier.js';

/**
 * Keeps every reported final status in `events`, in order. `setAvailable(false)` models a
 * receiver that is down: `notify` still returns at once (the port must never block or throw),
 * and the held events land in `events` when the receiver comes back, as an adapter's background
 * retries would deliver them.
 */
export class InMemoryStatusNotifier implements StatusNotifier {
  /** Events the receiver has taken. */
  readonly events: StatusEvent[] = [];
  /** Events waiting for the receiver to come back. */
  readonly pending: StatusEvent[] = [];
  private available = true;

  setAvailable(available: boolean): void {
    this.available = available;
    if (available) this.events.push(...this.pending.splice(0));
  }

  async notify(event: StatusEvent): Promise<void> {
    const copy = structuredClone(event);
    if (this.available) this.events.push(copy);
    else this.pending.push(copy);
  }

  async close(): Promise<void> {}
}
