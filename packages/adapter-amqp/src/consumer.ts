import type { Consumer, DeadLetter, Logger, MessageHandler } from '@notify/email-core';
import type { Channel, ConsumeMessage } from 'amqplib';
import { describeError, type Session } from './connection-manager.js';
import { decodeMessage, truncate } from './message-codec.js';

/** What a consumer needs from the queue that owns it. */
export interface ConsumerHost {
  readonly queueName: string;
  readonly redeliveryDelayMs: number;
  readonly log: Logger;
  deadLetter(entry: DeadLetter): Promise<void>;
  /** Sends the delivery back through a delay tier, due `delayMs` from now; resolves once confirmed. */
  republishDelayed(message: ConsumeMessage, delayMs: number): Promise<void>;
  reportLost(session: Session, error: unknown): void;
  forget(consumer: AmqpConsumer): void;
}

/** When a message is due: set by a delayed publish, read when it comes back from a delay tier. */
export const NOT_BEFORE_HEADER = 'x-not-before';

interface Subscription {
  session: Session;
  channel: Channel;
  consumerTag: string | null;
  open: boolean;
  /**
   * Deliveries not yet settled, by delivery tag in the order they arrived (the broker numbers
   * them upwards per channel): undefined while the handler works, the delivery once it is done
   * and its ack waits for the end of this turn of the event loop.
   */
  unsettled: Map<number, ConsumeMessage | undefined>;
  acksScheduled: boolean;
}

/**
 * One `consume()` call: its own channel with prefetch = concurrency, re-subscribed on every new
 * session. A message is acked only after the handler resolved (or it was dead-lettered or
 * re-routed with a confirmed publish); if the channel died meanwhile, the ack is skipped and the
 * broker redelivers it: at least once, never lost.
 */
export class AmqpConsumer implements Consumer {
  private subscription: Subscription | null = null;
  private attachedTo: Session | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly host: ConsumerHost,
    private readonly handler: MessageHandler,
    private readonly prefetch: number,
  ) {}

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  async attach(session: Session): Promise<void> {
    // Set before the first await: a consume() racing the session listener must not subscribe twice.
    if (this.stopping || this.attachedTo === session) return;
    this.attachedTo = session;
    const previous = this.subscription;
    if (previous?.open) {
      // Only possible on an injected connection we do not close: drop the old session's channel
      // (its unacked messages return to the queue) so one consumer never has two subscriptions.
      previous.open = false;
      await previous.channel.close().catch(() => {});
    }
    const channel = await session.model.createChannel();
    const sub: Subscription = {
      session,
      channel,
      consumerTag: null,
      open: true,
      unsettled: new Map(),
      acksScheduled: false,
    };
    this.subscription = sub;
    channel.on('error', (error: Error) =>
      this.host.log.warn({ err: error.message }, 'AMQP consumer channel error'),
    );
    channel.on('close', () => {
      sub.open = false;
      if (this.subscription === sub) this.subscription = null;
      if (!this.stopping) this.host.reportLost(session, new Error('consumer channel closed'));
    });
    await channel.prefetch(this.prefetch);
    const reply = await channel.consume(this.host.queueName, (delivery) => {
      // null: the broker cancelled us (queue deleted, node going down); start over.
      if (delivery === null) return this.host.reportLost(session, new Error('consumer cancelled by broker'));
      this.track(this.onDelivery(sub, delivery));
    });
    sub.consumerTag = reply.consumerTag;
    // stop() ran while we were subscribing and found nothing to cancel: undo the subscription.
    if (this.stopping && sub.open) await channel.close().catch(() => {});
  }

  stop(): Promise<void> {
    this.stopping ??= this.drainAndClose();
    return this.stopping;
  }

  private async drainAndClose(): Promise<void> {
    this.host.forget(this);
    const sub = this.subscription;
    if (sub?.open && sub.consumerTag) await sub.channel.cancel(sub.consumerTag).catch(() => {});
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    const last = this.subscription;
    if (last) this.flushAcks(last);
    this.subscription = null;
    if (last?.open) await last.channel.close().catch(() => {});
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /**
   * A requeue goes at once; an ack waits for the end of this turn of the event loop, where
   * `flushAcks` settles every ack of the turn together (an outcome batch finishes many handlers
   * in one turn).
   */
  private settle(sub: Subscription, delivery: ConsumeMessage, outcome: 'ack' | 'requeue'): void {
    // On a dead channel the broker has already taken the message back.
    if (!sub.open) return;
    if (outcome === 'ack') {
      sub.unsettled.set(delivery.fields.deliveryTag, delivery);
      if (!sub.acksScheduled) {
        sub.acksScheduled = true;
        setImmediate(() => this.flushAcks(sub));
      }
      return;
    }
    sub.unsettled.delete(delivery.fields.deliveryTag);
    this.send(sub, () => sub.channel.nack(delivery, false, true));
  }

  /**
   * Settles the acks of one turn in as few frames as it can: the done deliveries at the head of
   * the channel's unsettled ones in ONE `basic.ack` with `multiple` (every frame is a socket
   * write here and a unit of work for the broker, once per message at hundreds a second), the
   * done ones behind a delivery still being worked on one by one, at once. Holding those back
   * until the head finishes would keep them counted against the prefetch window, so a single
   * slow send would stall the whole worker.
   */
  private flushAcks(sub: Subscription): void {
    sub.acksScheduled = false;
    if (!sub.open) return;
    let head: ConsumeMessage | undefined;
    for (const [tag, done] of sub.unsettled) {
      if (done === undefined) break;
      head = done;
      sub.unsettled.delete(tag);
    }
    if (head) {
      const last = head;
      this.send(sub, () => sub.channel.ack(last, true));
    }
    for (const [tag, done] of sub.unsettled) {
      if (done === undefined) continue;
      sub.unsettled.delete(tag);
      this.send(sub, () => sub.channel.ack(done));
    }
  }

  private send(sub: Subscription, frame: () => void): void {
    if (!sub.open) return;
    try {
      frame();
    } catch (error) {
      this.host.log.warn({ err: describeError(error) }, 'AMQP ack/nack failed; the broker will redeliver');
    }
  }

  private async onDelivery(sub: Subscription, delivery: ConsumeMessage): Promise<void> {
    // Recorded before anything can settle it, so the head of `unsettled` is never acked early.
    sub.unsettled.set(delivery.fields.deliveryTag, undefined);
    if (this.stopping) return this.settle(sub, delivery, 'requeue');
    try {
      const decoded = decodeMessage(delivery.content);
      if (!decoded.ok) return await this.deadLetterPoison(sub, delivery, decoded.reason);

      const notBefore = Number(delivery.properties.headers?.[NOT_BEFORE_HEADER]);
      const remaining = Number.isFinite(notBefore) ? notBefore - Date.now() : 0;
      if (remaining > 0) {
        // Back from a shorter tier than the whole delay: route the rest.
        await this.host.republishDelayed(delivery, remaining);
        return this.settle(sub, delivery, 'ack');
      }

      try {
        await this.handler(decoded.message);
      } catch (error) {
        // The ids go on the failure line only: a child logger per delivery cost CPU on every message.
        this.host.log.warn(
          {
            err: describeError(error),
            request_id: decoded.message.requestId,
            task_id: decoded.message.taskId,
            correlation_id: decoded.message.correlationId,
          },
          'handler failed; message goes back to the queue',
        );
        return await this.redeliver(sub, delivery);
      }
      this.settle(sub, delivery, 'ack');
    } catch (error) {
      this.host.log.warn({ err: describeError(error) }, 'AMQP delivery not settled; requeueing');
      this.settle(sub, delivery, 'requeue');
    }
  }

  private async redeliver(sub: Subscription, delivery: ConsumeMessage): Promise<void> {
    // An immediate requeue puts it back at the head: a handler failing fast would spin on it.
    if (this.host.redeliveryDelayMs > 0) {
      await this.host.republishDelayed(delivery, this.host.redeliveryDelayMs);
      return this.settle(sub, delivery, 'ack');
    }
    this.settle(sub, delivery, 'requeue');
  }

  private async deadLetterPoison(sub: Subscription, delivery: ConsumeMessage, reason: string): Promise<void> {
    const headers = delivery.properties.headers ?? {};
    const correlation = headers['x-correlation-id'] ?? delivery.properties.correlationId;
    const raw = delivery.content.toString('utf8');
    this.host.log.error({ reason, bytes: delivery.content.length }, 'malformed message dead-lettered');
    await this.host.deadLetter({
      requestId: null,
      taskId: null,
      correlationId: typeof correlation === 'string' ? truncate(correlation) : null,
      errorCode: 'MALFORMED_MESSAGE',
      error: `malformed message on ${this.host.queueName}: ${reason}`,
      attempts: 0,
      firstAttemptAt: null,
      failedAt: new Date(),
      raw,
    });
    this.settle(sub, delivery, 'ack');
  }
}
