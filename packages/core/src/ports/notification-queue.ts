/** What travels on the queue: ids only; the store holds the rest. */
export interface QueueMessage {
  requestId: string;
  taskId: string;
  /** 1..100, higher is sooner. */
  priority: number;
  correlationId: string;
}

export interface PublishOptions {
  /** Deliver no sooner than this many milliseconds from now (retry backoff, breaker deferral). */
  delayMs?: number;
}

export interface DeadLetter {
  requestId: string | null;
  taskId: string | null;
  correlationId: string | null;
  /** NotifyError code, e.g. SMTP_PERMANENT, MALFORMED_MESSAGE. */
  errorCode: string;
  error: string;
  attempts: number;
  firstAttemptAt: Date | null;
  failedAt: Date;
  /** The original body when it could not be decoded (poison message). */
  raw?: string;
}

export interface ConsumeOptions {
  /** Most messages held unacknowledged at once (bounded prefetch). */
  concurrency: number;
}

/**
 * Called once per message. Resolving acknowledges the message (the handler has already stored
 * the outcome and confirmed any republish); throwing hands it back to the queue for redelivery.
 */
export type MessageHandler = (message: QueueMessage) => Promise<void>;

export interface Consumer {
  /** Stop taking new messages, wait for in-flight handlers, then return. */
  stop(): Promise<void>;
}

export interface NotificationQueueCapabilities {
  /** Higher priority overtakes a backlog of lower ones. */
  priority: boolean;
  /** `delayMs` is honoured. */
  delay: boolean;
  /** What it holds survives a restart of this process. */
  durable: boolean;
  /** Other processes publish to and consume from the same queue (a broker, not this process's memory). */
  shared: boolean;
}

/** What `settle` left behind when its time ran out: messages waiting or delayed, and handlers running. */
export interface SettleResult {
  waiting: number;
  inFlight: number;
}

/**
 * Publishing resolves only once the queue has durably taken every message (publisher confirms).
 * Undecodable messages are dead-lettered by the adapter with `MALFORMED_MESSAGE` and acknowledged.
 */
export interface NotificationQueue {
  readonly capabilities: NotificationQueueCapabilities;
  publish(messages: QueueMessage[], options?: PublishOptions): Promise<void>;
  consume(handler: MessageHandler, options: ConsumeOptions): Promise<Consumer>;
  deadLetter(entry: DeadLetter): Promise<void>;
  /** Reads (without removing) up to `limit` dead letters, oldest first, where the backend can. */
  peekDeadLetters?(limit: number): Promise<DeadLetter[]>;
  ping(): Promise<void>;
  /**
   * Resolves once nothing is waiting, delayed or in flight, or once `timeoutMs` has passed, with
   * what is left. Offered by queues that are not durable: what they hold is lost when the process
   * ends, so a process that consumes its own queue can finish what it accepted before it stops.
   */
  settle?(timeoutMs: number): Promise<SettleResult>;
  close(): Promise<void>;
}

export const NotificationQueueToken = Symbol.for('@notify/NotificationQueue');
