import {
  type ConsumeOptions,
  type Consumer,
  type DeadLetter,
  type Logger,
  type MessageHandler,
  type NotificationQueue,
  type NotificationQueueCapabilities,
  NotifyError,
  type PublishOptions,
  type QueueMessage,
} from '@notify/email-core';
import type { ConsumeMessage } from 'amqplib';
import { type Outgoing, publishConfirmed, unavailable, within } from './confirmed-publish.js';
import { ConnectionManager, describeError, type Session } from './connection-manager.js';
import { AmqpConsumer, type ConsumerHost, NOT_BEFORE_HEADER } from './consumer.js';
import { checkOutgoing, decodeDeadLetter, encodeDeadLetter, encodeMessage } from './message-codec.js';
import { type AmqpQueueOptions, type ResolvedAmqpQueueOptions, resolveAmqpQueueOptions } from './options.js';
import {
  type DelayTier,
  delayTiers,
  FAILED_ROUTING_KEY,
  tierFor,
  toAmqpPriority,
  WORK_ROUTING_KEY,
} from './topology.js';

/**
 * NotificationQueue on RabbitMQ: a priority work queue, fixed-TTL delay tiers that dead-letter
 * back into it, a dead-letter queue, publisher confirms and automatic reconnection.
 * Topology and trade-offs: docs/rabbitmq.md.
 */
export class AmqpNotificationQueue implements NotificationQueue {
  readonly options: ResolvedAmqpQueueOptions;
  private readonly tiers: DelayTier[];
  private readonly connection: ConnectionManager;
  private readonly consumers = new Set<AmqpConsumer>();
  private readonly log: Logger;
  private readonly consumerHost: ConsumerHost;
  private closing: Promise<void> | null = null;
  /** Set once consumers are drained: until then in-flight handlers may still publish. */
  private closed = false;

  constructor(options: AmqpQueueOptions) {
    this.options = resolveAmqpQueueOptions(options);
    this.tiers = delayTiers(this.options);
    this.log = this.options.logger.child({ logger: 'adapter-amqp' });
    this.connection = new ConnectionManager(this.options, (session) => this.attachConsumers(session));
    this.consumerHost = {
      queueName: this.options.queue,
      redeliveryDelayMs: this.options.redeliveryDelayMs,
      log: this.log,
      deadLetter: (entry) => this.deadLetter(entry),
      republishDelayed: (message, delayMs) => this.republishDelayed(message, delayMs),
      reportLost: (session, error) => this.connection.reportLost(session, error),
      forget: (consumer) => {
        this.consumers.delete(consumer);
      },
    };
  }

  get capabilities(): NotificationQueueCapabilities {
    return { priority: true, delay: true, durable: true, shared: true };
  }

  /** True while a session is up (for health output; `ping()` does a round trip). */
  get connected(): boolean {
    return this.connection.isConnected;
  }

  async publish(messages: QueueMessage[], options: PublishOptions = {}): Promise<void> {
    this.assertOpen();
    if (!Array.isArray(messages)) throw validation('messages', 'must be an array');
    checkOutgoing(messages);
    const delayMs = options.delayMs ?? 0;
    if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
      throw validation('options.delayMs', 'must be a non-negative number of milliseconds');
    }
    if (messages.length === 0) return;
    const now = Date.now();
    const outgoing = messages.map((message): Outgoing => {
      const headers: Record<string, unknown> = { 'x-correlation-id': message.correlationId };
      let routingKey = WORK_ROUTING_KEY;
      if (delayMs > 0) {
        headers[NOT_BEFORE_HEADER] = now + delayMs;
        routingKey = tierFor(this.tiers, delayMs).queue;
      }
      return {
        routingKey,
        content: encodeMessage(message),
        properties: {
          persistent: true,
          contentType: 'application/json',
          priority: toAmqpPriority(message.priority, this.options.maxPriority),
          correlationId: message.correlationId,
          messageId: message.taskId,
          timestamp: Math.floor(now / 1000),
          headers,
        },
      };
    });
    await this.confirmed(outgoing, 'publish');
  }

  async consume(handler: MessageHandler, options: ConsumeOptions): Promise<Consumer> {
    this.assertOpen();
    if (this.closing)
      throw new NotifyError('QUEUE_UNAVAILABLE', 'AMQP queue is closing', { retryable: false });
    if (typeof handler !== 'function') throw validation('handler', 'must be a function');
    const concurrency = options?.concurrency;
    if (
      typeof concurrency !== 'number' ||
      !Number.isInteger(concurrency) ||
      concurrency < 1 ||
      concurrency > 65_535
    ) {
      throw validation('concurrency', 'must be an integer from 1 to 65535');
    }
    const consumer = new AmqpConsumer(
      this.consumerHost,
      handler,
      Math.min(concurrency, this.options.prefetch),
    );
    this.consumers.add(consumer);
    try {
      const session = await this.connection.current();
      await consumer.attach(session).catch((error: unknown) => this.connection.reportLost(session, error));
    } catch (error) {
      // Broker down: the consumer stays registered and subscribes once a connection is back.
      this.log.warn({ err: describeError(error) }, 'consumer registered while RabbitMQ is unavailable');
    }
    return consumer;
  }

  async deadLetter(entry: DeadLetter): Promise<void> {
    this.assertOpen();
    if (typeof entry?.errorCode !== 'string' || entry.errorCode.length === 0) {
      throw validation('errorCode', 'must be a non-empty string');
    }
    if (!(entry.failedAt instanceof Date) || Number.isNaN(entry.failedAt.getTime())) {
      throw validation('failedAt', 'must be a valid Date');
    }
    const { body, headers } = encodeDeadLetter(entry);
    await this.confirmed(
      [
        {
          routingKey: FAILED_ROUTING_KEY,
          content: body,
          properties: {
            persistent: true,
            contentType: 'application/json',
            timestamp: Math.floor(entry.failedAt.getTime() / 1000),
            headers,
            ...(entry.correlationId ? { correlationId: entry.correlationId } : {}),
          },
        },
      ],
      'dead-letter',
    );
  }

  /**
   * Reads without removing: `basic.get` up to `limit` messages on a private channel, then
   * requeues them all. Classic queues put requeued messages back in their original position,
   * so the order (oldest first) survives; they are marked redelivered, which nothing reads.
   */
  async peekDeadLetters(limit: number): Promise<DeadLetter[]> {
    this.assertOpen();
    if (!Number.isInteger(limit) || limit < 0) throw validation('limit', 'must be a non-negative integer');
    if (limit === 0) return [];
    const session = await this.connection.current();
    const work = async () => {
      const channel = await session.model.createChannel();
      channel.on('error', () => {});
      const entries: DeadLetter[] = [];
      try {
        while (entries.length < limit) {
          const message = await channel.get(this.options.failedQueue, { noAck: false });
          if (message === false) break;
          const published = message.properties.timestamp as number | undefined;
          entries.push(decodeDeadLetter(message.content, published ? published * 1000 : undefined));
        }
        if (entries.length > 0) channel.nackAll(true);
      } finally {
        await channel.close().catch(() => {});
      }
      return entries;
    };
    try {
      return await within(work(), this.options.publishTimeoutMs, 'peekDeadLetters');
    } catch (error) {
      throw unavailable('peekDeadLetters', error);
    }
  }

  /** A round trip on a throwaway channel: the connection is up and the work queue exists. */
  async ping(): Promise<void> {
    this.assertOpen();
    const session = await this.connection.current();
    const work = async () => {
      const channel = await session.model.createChannel();
      channel.on('error', () => {});
      try {
        await channel.checkQueue(this.options.queue);
      } finally {
        await channel.close().catch(() => {});
      }
    };
    try {
      await within(work(), this.options.publishTimeoutMs, 'ping');
    } catch (error) {
      throw unavailable('ping', error);
    }
  }

  /** Stops every consumer (each waits for its in-flight handlers), then closes the connection. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.consumers].map((consumer) => consumer.stop()));
      this.closed = true;
      await this.connection.close();
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closed) throw new NotifyError('QUEUE_UNAVAILABLE', 'AMQP queue is closed', { retryable: false });
  }

  private async attachConsumers(session: Session): Promise<void> {
    for (const consumer of this.consumers) await consumer.attach(session);
  }

  /** Publishes everything, then waits once for all the broker's confirms (bounded by publishTimeoutMs). */
  private async confirmed(outgoing: Outgoing[], what: string): Promise<void> {
    const session = await this.connection.current();
    const work = publishConfirmed(session.publisher, this.options.exchange, outgoing);
    try {
      await within(work, this.options.publishTimeoutMs, what);
    } catch (error) {
      throw unavailable(what, error);
    }
  }

  /** Same body, priority and correlation, due `delayMs` from now, through the fitting delay tier. */
  private async republishDelayed(message: ConsumeMessage, delayMs: number): Promise<void> {
    const { properties } = message;
    const correlation = properties.headers?.['x-correlation-id'];
    await this.confirmed(
      [
        {
          routingKey: tierFor(this.tiers, delayMs).queue,
          content: message.content,
          properties: {
            persistent: true,
            contentType: properties.contentType ?? 'application/json',
            priority: properties.priority,
            correlationId: properties.correlationId,
            messageId: properties.messageId,
            timestamp: properties.timestamp,
            headers: {
              ...(correlation === undefined ? {} : { 'x-correlation-id': correlation }),
              [NOT_BEFORE_HEADER]: Date.now() + delayMs,
            },
          },
        },
      ],
      'republish',
    );
  }
}

function validation(path: string, message: string): NotifyError {
  return new NotifyError('VALIDATION_FAILED', `${path} ${message}`, { details: [{ path, message }] });
}

/** Validates the options (CONFIG_INVALID naming the key) and starts connecting in the background. */
export function createAmqpQueue(options: AmqpQueueOptions): AmqpNotificationQueue {
  return new AmqpNotificationQueue(options);
}
