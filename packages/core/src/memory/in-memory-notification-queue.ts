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
import type { QueueEntry } from './queue-entry.js';

export interface InMemoryNotificationQueueOptions {
  /**
   * Wait before a message whose handler threw is offered again. Redelivery always goes through a
   * timer (even at 0) so a handler that keeps failing cannot starve the event loop.
   * Default 0.
   */
  redeliveryDelayMs?: number;
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
 * `deadLetters`. Nothing survives the process, which `capabilities.durable` says, so it offers
 * `settle`: the embedded service's shutdown waits on it. Test controls (an outage switch, a log
 * of publishes, counts, releasing delayed messages early) are in ControllableNotificationQueue,
 * src/testing/doubles; the members marked protected here are for it.
 */
export class InMemoryNotificationQueue implements NotificationQueue {
  readonly capabilities: NotificationQueueCapabilities = {
    priority: true,
    delay: true,
    durable: false,
    shared: false,
  };
  /** Every dead letter, oldest first: the in-memory dead-letter queue (peekDeadLetters reads it). */
  readonly deadLetters: DeadLetter[] = [];

  /** Messages waiting for a consumer, in delivery order. */
  protected readonly ready: QueueEntry[] = [];
  /** Messages waiting for their delay (or redelivery delay) to pass, by their timer. */
  protected readonly delayed = new Map<NodeJS.Timeout, QueueEntry>();
  private readonly consumers: ConsumerState[] = [];
  private readonly idleWaiters: Array<() => void> = [];
  private readonly redeliveryDelayMs: number;
  private nextSeq = 0;
  private nextConsumer = 0;
  private closed = false;

  constructor(options: InMemoryNotificationQueueOptions = {}) {
    const delay = options.redeliveryDelayMs ?? 0;
    if (!Number.isFinite(delay) || delay < 0) {
      throw new NotifyError('CONFIG_INVALID', 'redeliveryDelayMs must be a number >= 0', {
        details: [{ path: 'redeliveryDelayMs', message: 'must be a number >= 0' }],
      });
    }
    this.redeliveryDelayMs = delay;
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
    return { waiting: this.ready.length + this.delayed.size, inFlight: this.inFlight() };
  }

  /**
   * Resolves once nothing is waiting, delayed or in flight (never, if nobody consumes): `settle`
   * without a time limit.
   */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async publish(messages: QueueMessage[], options: PublishOptions = {}): Promise<void> {
    this.assertUsable();
    const delayMs = Math.max(0, options.delayMs ?? 0);
    for (const original of messages) {
      const entry: QueueEntry = { seq: this.nextSeq++, message: structuredClone(original) };
      if (delayMs > 0) this.schedule(entry, delayMs);
      else this.enqueue(entry);
    }
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

  /** Every port call but close starts here. */
  protected assertUsable(): void {
    if (this.closed) throw new NotifyError('QUEUE_UNAVAILABLE', 'In-memory queue is closed');
  }

  /** Whether ready messages may be handed to consumers now. */
  protected canDeliver(): boolean {
    return !this.closed;
  }

  /** Handlers running right now, across consumers. */
  protected inFlight(): number {
    return this.consumers.reduce((sum, c) => sum + c.inFlight.size, 0);
  }

  private schedule(entry: QueueEntry, delayMs: number): void {
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
  protected enqueue(entry: QueueEntry): void {
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
  protected pump(): void {
    while (this.canDeliver() && this.ready.length > 0) {
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

  private deliver(consumer: ConsumerState, entry: QueueEntry): void {
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

  private redeliver(entry: QueueEntry): void {
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
    return this.ready.length === 0 && this.delayed.size === 0 && this.inFlight() === 0;
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function precedes(a: QueueEntry, b: QueueEntry): boolean {
  return (
    a.message.priority > b.message.priority || (a.message.priority === b.message.priority && a.seq < b.seq)
  );
}
