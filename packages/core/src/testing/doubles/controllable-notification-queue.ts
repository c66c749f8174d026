import { NotifyError } from '../../domain/errors.js';
import {
  InMemoryNotificationQueue,
  type InMemoryNotificationQueueOptions,
} from '../../memory/in-memory-notification-queue.js';
import type { PublishOptions, QueueMessage } from '../../ports/notification-queue.js';

export interface ControllableNotificationQueueOptions extends InMemoryNotificationQueueOptions {
  /** How many entries `published` keeps (the newest), so a long test run stays bounded. Default 10000. */
  publishedLimit?: number;
}

/** One publish as the queue saw it, kept for tests that assert on what was handed over. */
export interface PublishedRecord {
  message: QueueMessage;
  delayMs: number;
  at: Date;
}

/**
 * The in-memory queue with test controls: a broker outage switch, a log of every accepted
 * publish, counts of what it holds, and a way to make delayed messages due now so a test need
 * not wait out a backoff.
 */
export class ControllableNotificationQueue extends InMemoryNotificationQueue {
  /** Accepted publishes, in order (delayed ones included); the newest `publishedLimit` are kept. */
  readonly published: PublishedRecord[] = [];
  private readonly publishedLimit: number;
  private available = true;

  constructor(options: ControllableNotificationQueueOptions = {}) {
    super(options);
    this.publishedLimit = options.publishedLimit ?? 10_000;
    if (!Number.isInteger(this.publishedLimit) || this.publishedLimit < 0) {
      throw new NotifyError('CONFIG_INVALID', 'publishedLimit must be an integer >= 0', {
        details: [{ path: 'publishedLimit', message: 'must be an integer >= 0' }],
      });
    }
  }

  /**
   * Simulates a broker outage: while false, publish/deadLetter/consume/ping reject with
   * QUEUE_UNAVAILABLE and nothing is delivered; messages already taken are kept for later.
   */
  setAvailable(available: boolean): void {
    this.available = available;
    if (available) this.pump();
  }

  /** Messages waiting for a consumer (delayed ones excluded). */
  get pendingCount(): number {
    return this.ready.length;
  }

  /** Messages waiting for their delay to pass. */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** Handlers running right now, across consumers. */
  get inFlightCount(): number {
    return this.inFlight();
  }

  /** Makes every delayed message due now, so a test need not wait out a backoff. */
  releaseDelayed(): void {
    for (const [timer, entry] of this.delayed) {
      clearTimeout(timer);
      this.enqueue(entry);
    }
    this.delayed.clear();
    this.pump();
  }

  override async publish(messages: QueueMessage[], options: PublishOptions = {}): Promise<void> {
    // Checked first so a refused publish is not logged.
    this.assertUsable();
    if (this.publishedLimit > 0) {
      const delayMs = Math.max(0, options.delayMs ?? 0);
      const at = new Date();
      for (const message of messages) this.published.push({ message: structuredClone(message), delayMs, at });
      const excess = this.published.length - this.publishedLimit;
      if (excess > 0) this.published.splice(0, excess);
    }
    return super.publish(messages, options);
  }

  protected override assertUsable(): void {
    super.assertUsable();
    if (!this.available)
      throw new NotifyError('QUEUE_UNAVAILABLE', 'In-memory queue is unavailable (simulated)');
  }

  protected override canDeliver(): boolean {
    return this.available && super.canDeliver();
  }
}
