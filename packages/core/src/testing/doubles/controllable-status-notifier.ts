import { InMemoryStatusNotifier } from '../../memory/in-memory-status-notifier.js';
import type { StatusEvent } from '../../ports/status-notifier.js';

/**
 * The in-memory notifier with a receiver that can be down. `setAvailable(false)` models it:
 * `notify` still returns at once (the port must never block or throw), and the held events land
 * in `events` when the receiver comes back, as an adapter's background retries would deliver them.
 */
export class ControllableStatusNotifier extends InMemoryStatusNotifier {
  /** Events waiting for the receiver to come back. */
  readonly pending: StatusEvent[] = [];
  private available = true;

  setAvailable(available: boolean): void {
    this.available = available;
    if (available) this.events.push(...this.pending.splice(0));
  }

  override async notify(event: StatusEvent): Promise<void> {
    if (this.available) return super.notify(event);
    this.pending.push(structuredClone(event));
  }
}
