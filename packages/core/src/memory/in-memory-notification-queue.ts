import { NotifyError } from '../domain/errors.js';
import type {
  ConsumeOptions,
  Consumer,
  DeadLetter,
  MessageHandler,
  NotificationQueue,
  NotificationQueueCapabilities,
  PublishOptions,
  QueueMessage,
  SettleResult,
} from '../ports/notification-queue.js';

export interface InMemoryNotificationQueueOptions {
  /**
   * Wait before a message whose handler threw is offered again. Redelivery always goes through a
   * timer (even at 0) so a handler that keeps failing cannot starve the event loop.
   * Default 0.
   */
  redeliveryDelayMs?: number;
  /**
   * How many entries `published` keeps (the newest). The log is for tests, but the queue also
   * runs in long-lived embedded services, where an unbounded log would be a leak. Default 10000.
   */
  publishedLimit?: number;
}

/** One publish as the queue saw it, kept for tests that assert on what was handed over. */
export interface PublishedRecord {
  message: QueueMessage;
  delayMs: number;
  at: Date;
}

interface Entry {
  /** Publish order; a redelivered message keeps its place among messages of its priority. */
  seq: number;
  message: QueueMessage;
}

interface ConsumerState {
  handler: MessageHandler;
  concurrency: number;
  inFlight: Set<Promise<void>>;
  stopped: boolean;
}

/**
 * The embedded queue: priority (higher first, FIFO within a priority), delays on timers,
 * bounded concurrency per consumer, redelivery when a handler throws, dead letters kept in
 * `deadLetters`. Nothing survives the process, which `capabilities.durable` says.
 */
export class InMemoryNotificationQueue implements NotificationQueue {
  readonly capabilities: NotificationQueueCapabilities = {
    priority: true,
    delay: true,
    durable: false,
    shared: false,
  };
  /** Every dead letter, oldest first. */
  readonly deadLetters: DeadLetter[] = [];
  /** Accepted publishes, in order (delayed ones included); the newest `publishedLimit` are kept. */
  readonly published: PublishedRecord[] = [];

  private readonly ready: Entry[] = [];
  private readonly delayed = new Map<NodeJS.Timeout, Entry>();
  private readonly consumers: ConsumerState[] = [];
  private readonly idleWaiters: Array<() => void> = [];
  private readonly redeliveryDelayMs: number;
  private readonly publishedLimit: number;
  private nextSeq = 0;
  private nextConsumer = 0;
  private available = true;
  private closed = false;

  constructor(options: InMemoryNotificationQueueOptions = {}) {
    const delay = options.redeliveryDelayMs ?? 0;
    if (!Number.isFinite(delay) || delay < 0) {
      throw new NotifyError('CONFIG_INVALID', 'redeliveryDelayMs must be a number >= 0', {
        details: [{ path: 'redeliveryDelayMs', message: 'must be a number >= 0' }],
      });
    }
    this.redeliveryDelayMs = delay;
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
    return this.consumers.reduce((sum, c) => sum + c.inFlight.size, 0);
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

  async settle(timeoutMs: number): Promise<SettleResult> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.whenIdle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return { waiting: this.pendingCount + this.delayedCount, inFlight: this.inFlightCount };
  }

  /** Resolves once nothing is waiting, delayed or in flight (never, if nobody consumes). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async publish(messages: QueueMessage[], options: PublishOptions = {}): Promise<void> {
    this.assertUsable();
    const delayMs = Math.max(0, options.delayMs ?? 0);
    const at = new Date();
    for (const original of messages) {
      const entry: Entry = { seq: this.nextSeq++, message: structuredClone(original) };
      if (this.publishedLimit > 0) this.published.push({ message: structuredClone(original), delayMs, at });
      if (delayMs > 0) this.schedule(entry, delayMs);
      else this.enqueue(entry);
    }
    const excess = this.published.length - this.publishedLimit;
    if (excess > 0) this.published.splice(0, excess);
    this.pump();
  }

  async consume(handler: MessageHandler, options: ConsumeOptions): Promise<Consumer> {
    this.assertUsable();
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new NotifyError('CONFIG_INVALID', 'concurrency must be an integer >= 1', {
        details: [{ path: 'concurrency', message: 'must be an integer >= 1' }],
      });
    }
    const state: ConsumerState = {
      handler,
      concurrency: options.concurrency,
      inFlight: new Set(),
      stopped: false,
    };
    this.consumers.push(state);
    this.pump();
    return {
      stop: async () => {
        this.detach(state);
        await Promise.all(state.inFlight);
      },
    };
  }

  async deadLetter(entry: DeadLetter): Promise<void> {
    this.assertUsable();
    this.deadLetters.push(structuredClone(entry));
  }

  async peekDeadLetters(limit: number): Promise<DeadLetter[]> {
    this.assertUsable();
    return this.deadLetters.slice(0, Math.max(0, limit)).map((d) => structuredClone(d));
  }

  async ping(): Promise<void> {
    this.assertUsable();
  }

  /** Stops every consumer (waiting for in-flight handlers) and drops delayed messages. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.delayed.keys()) clearTimeout(timer);
    this.delayed.clear();
    const running = this.consumers.flatMap((c) => [...c.inFlight]);
    for (const c of [...this.consumers]) this.detach(c);
    await Promise.all(running);
  }

  private assertUsable(): void {
    if (this.closed) throw new NotifyError('QUEUE_UNAVAILABLE', 'In-memory queue is closed');
    if (!this.available)
      throw new NotifyError('QUEUE_UNAVAILABLE', 'In-memory queue is unavailable (simulated)');
  }

  private schedule(entry: Entry, delayMs: number): void {
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      this.enqueue(entry);
      this.pump();
    }, delayMs);
    // A pending retry must not keep a finished test run (or a closing process) alive.
    timer.unref();
    this.delayed.set(timer, entry);
  }

  /** Inserts keeping `ready` ordered: priority descending, then publish order. */
  private enqueue(entry: Entry): void {
    let i = this.ready.length;
    while (i > 0 && precedes(entry, this.ready[i - 1]!)) i--;
    this.ready.splice(i, 0, entry);
  }

  private detach(state: ConsumerState): void {
    state.stopped = true;
    const index = this.consumers.indexOf(state);
    if (index >= 0) this.consumers.splice(index, 1);
  }

  /** Hands ready messages to consumers with spare capacity, round-robin. */
  private pump(): void {
    while (this.available && !this.closed && this.ready.length > 0) {
      const consumer = this.pickConsumer();
      if (!consumer) break;
      this.deliver(consumer, this.ready.shift()!);
    }
    this.notifyIfIdle();
  }

  private pickConsumer(): ConsumerState | undefined {
    for (let tried = 0; tried < this.consumers.length; tried++) {
      const candidate = this.consumers[this.nextConsumer++ % this.consumers.length]!;
      if (!candidate.stopped && candidate.inFlight.size < candidate.concurrency) return candidate;
    }
    return undefined;
  }

  private deliver(consumer: ConsumerState, entry: Entry): void {
    // The handler runs on a later tick so publish() never re-enters user code.
    const run: Promise<void> = Promise.resolve()
      .then(() => consumer.handler(structuredClone(entry.message)))
      .then(
        () => undefined,
        () => this.redeliver(entry),
      )
      .finally(() => {
        consumer.inFlight.delete(run);
        this.pump();
      });
    consumer.inFlight.add(run);
  }

  private redeliver(entry: Entry): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      this.enqueue(entry);
      this.pump();
    }, this.redeliveryDelayMs);
    timer.unref();
    this.delayed.set(timer, entry);
  }

  private isIdle(): boolean {
    return this.ready.length === 0 && this.delayed.size === 0 && this.inFlightCount === 0;
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function precedes(a: Entry, b: Entry): boolean {
  return (
    a.message.priority > b.message.priority || (a.message.priority === b.message.priority && a.seq < b.seq)
  );
}
