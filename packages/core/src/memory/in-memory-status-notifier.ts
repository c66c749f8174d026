import type { StatusEvent, StatusNotifier } from '../ports/status-notifier.js';

/**
 * Keeps every reported final status in `events`, in order, for an embedder to read. A receiver
 * that is down is a test control: ControllableStatusNotifier in src/testing/doubles.
 */
export class InMemoryStatusNotifier implements StatusNotifier {
  /** Events the receiver has taken. */
  readonly events: StatusEvent[] = [];

  async notify(event: StatusEvent): Promise<void> {
    this.events.push(structuredClone(event));
  }

  async close(): Promise<void> {}
}
