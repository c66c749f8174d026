import type { Notification } from '../domain/notification.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { NotificationQueue, QueueMessage } from '../ports/notification-queue.js';
import type { NotificationStore } from '../ports/notification-store.js';

export interface OutboxRelayOptions {
  /** Most ids in one confirmed publish. */
  batchSize: number;
  /** Longest an id waits for its batch to fill, in ms. */
  flushIntervalMs: number;
  /** Period of the recovery loop, in ms. */
  recoveryIntervalMs: number;
  /** Unpublished records younger than this belong to the relay, not to recovery, in ms. */
  recoveryGraceMs: number;
  /** Lease taken while handing back a record whose worker died. */
  leaseMs: number;
  /** Lease owner name for those hand-backs. */
  owner: string;
}

/**
 * The publishing half of the transactional outbox (docs/architecture.md, Delivery semantics 1): the notification row is
 * its own outbox entry, `publishedAt` null until the queue confirmed its message.
 *
 * Accepted ids are buffered and published in confirmed batches after the HTTP answer; a failed
 * batch is logged and left unpublished. The recovery loop republishes every record the store
 * calls stranded: queued/retrying and unpublished for longer than the grace period (broker down,
 * process killed after the commit), and processing with an expired lease (worker killed
 * mid-send), which is first taken over and handed back to `queued` so that exactly one message
 * is republished for it rather than one per recovery pass.
 */
export class OutboxRelay {
  private buffer: QueueMessage[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private recoveryTimer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private recovering: Promise<number> | undefined;

  constructor(
    private readonly store: NotificationStore,
    private readonly queue: NotificationQueue,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {}

  /** Schedules a publish; never waits for it, never throws. */
  enqueue(message: QueueMessage): void {
    this.buffer.push(message);
    if (this.buffer.length >= this.options.batchSize) {
      void this.flush();
    } else if (this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => void this.flush(), this.options.flushIntervalMs);
    }
  }

  /** Publishes everything buffered and waits for every batch in flight. */
  async flush(): Promise<void> {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.batchSize);
      const publishing = this.publishBatch(batch);
      this.inFlight.add(publishing);
      void publishing.finally(() => this.inFlight.delete(publishing));
    }
    await Promise.all(this.inFlight);
  }

  /** Starts the recovery loop (idempotent). */
  start(): void {
    if (this.recoveryTimer !== undefined) return;
    this.recoveryTimer = setInterval(() => void this.recover(), this.options.recoveryIntervalMs);
    // Background work must not keep a process alive; hosts stop the engine explicitly.
    this.recoveryTimer.unref();
  }

  /** Stops the recovery loop and flushes what is buffered. */
  async stop(): Promise<void> {
    if (this.recoveryTimer !== undefined) clearInterval(this.recoveryTimer);
    this.recoveryTimer = undefined;
    await this.recovering;
    await this.flush();
  }

  /**
   * One recovery pass; resolves with how many records were republished. Never throws: a failing
   * store or queue is logged and the next pass tries again. Passes never overlap.
   */
  recover(): Promise<number> {
    if (this.recovering === undefined) {
      this.recovering = this.recoverOnce().finally(() => {
        this.recovering = undefined;
      });
    }
    return this.recovering;
  }

  private async recoverOnce(): Promise<number> {
    try {
      const now = this.clock.now();
      const stranded = await this.store.findStranded({
        now,
        unpublishedBefore: new Date(now.getTime() - this.options.recoveryGraceMs),
        limit: this.options.batchSize * 10,
      });
      // Due now: confirmed batches, as the relay does. Still delayed (a retry whose publish was
      // lost): one publish each, keeping the backoff it was given.
      const due: Notification[] = [];
      let republished = 0;
      for (const found of stranded) {
        const record = found.status === 'processing' ? await this.handBack(found, now) : found;
        if (record === null) continue;
        const delayMs = (record.nextAttemptAt?.getTime() ?? 0) - now.getTime();
        if (delayMs <= 0) {
          due.push(record);
          continue;
        }
        await this.queue.publish([messageFor(record)], { delayMs });
        await this.store.markPublished([record.requestId], this.clock.now());
        republished += 1;
      }
      for (let i = 0; i < due.length; i += this.options.batchSize) {
        const batch = due.slice(i, i + this.options.batchSize);
        await this.queue.publish(batch.map(messageFor));
        await this.store.markPublished(
          batch.map((r) => r.requestId),
          this.clock.now(),
        );
        republished += batch.length;
      }
      if (republished > 0) this.logger.warn({ republished }, 'Republished stranded notifications');
      return republished;
    } catch (error) {
      this.logger.error({ err: error }, 'Outbox recovery pass failed; retrying on the next pass');
      return 0;
    }
  }

  /** Takes over an expired lease and returns the record to `queued`, unpublished. */
  private async handBack(record: Notification, now: Date): Promise<Notification | null> {
    const claimed = await this.store.claim({
      requestId: record.requestId,
      owner: this.options.owner,
      now,
      leaseMs: this.options.leaseMs,
    });
    if (claimed === null) return null;
    this.logger.warn(
      { request_id: record.requestId, task_id: record.id, lease_owner: record.leaseOwner },
      'Lease expired mid-processing; handing the notification back to the queue',
    );
    return this.store.update(
      record.requestId,
      { status: ['processing'], leaseOwner: this.options.owner },
      {
        status: 'queued',
        leaseOwner: null,
        leaseUntil: null,
        publishedAt: null,
        updatedAt: this.clock.now(),
        // Not counted: the attempt never reported an outcome, so it may not have happened at all.
        appendHistory: {
          attempt: claimed.attempts + 1,
          at: now,
          outcome: 'deferred',
          errorCode: null,
          error: `Lease of ${record.leaseOwner ?? 'unknown worker'} expired; handed back by recovery`,
        },
      },
    );
  }

  private async publishBatch(batch: QueueMessage[]): Promise<void> {
    try {
      await this.queue.publish(batch);
    } catch (error) {
      this.logger.error(
        { err: error, count: batch.length, request_ids: batch.map((m) => m.requestId) },
        'Publishing accepted notifications failed; the recovery loop will republish them',
      );
      return;
    }
    try {
      await this.store.markPublished(
        batch.map((m) => m.requestId),
        this.clock.now(),
      );
    } catch (error) {
      // Published but not marked: recovery will publish a duplicate, which the claim makes a no-op.
      this.logger.warn({ err: error, count: batch.length }, 'Marking notifications published failed');
    }
  }
}

/** The queue message for a record: ids only, the store holds the rest. */
export function messageFor(record: Notification): QueueMessage {
  return {
    requestId: record.requestId,
    taskId: record.id,
    priority: record.priority,
    correlationId: record.correlationId,
  };
}
