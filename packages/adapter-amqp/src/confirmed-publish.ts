import { NotifyError } from '@notify/email-core';
import type { ConfirmChannel, Options } from 'amqplib';
import { describeError } from './connection-manager.js';

/** One message to publish: where, what, and its AMQP properties. */
export interface Outgoing {
  routingKey: string;
  content: Buffer;
  properties: Options.Publish;
}

/** Any failure talking to the broker becomes QUEUE_UNAVAILABLE (retryable), the cause kept. */
export function unavailable(what: string, error: unknown): NotifyError {
  if (NotifyError.is(error)) return error;
  return new NotifyError('QUEUE_UNAVAILABLE', `${what} failed: ${describeError(error)}`, { cause: error });
}

/** Rejects with QUEUE_UNAVAILABLE when `work` has not settled within `ms`. */
export async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new NotifyError('QUEUE_UNAVAILABLE', `${what}: no answer from RabbitMQ within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for the channel's write buffer to drain (amqplib's back-pressure signal), or its close. */
function drained(channel: ConfirmChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      channel.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      channel.off('drain', onDrain);
      reject(new Error('channel closed while waiting to drain'));
    };
    channel.once('drain', onDrain);
    channel.once('close', onClose);
  });
}

/**
 * Writes every message, then waits once for all the broker's confirms: a batch costs one round
 * trip, not one per message. Rejects on the first nack or when the channel closes with
 * messages unconfirmed (amqplib fails their callbacks).
 */
export async function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  outgoing: Outgoing[],
): Promise<void> {
  const confirms: Promise<void>[] = [];
  for (const item of outgoing) {
    let writable = true;
    confirms.push(
      new Promise<void>((resolve, reject) => {
        writable = channel.publish(exchange, item.routingKey, item.content, item.properties, (err) =>
          err ? reject(err instanceof Error ? err : new Error('message nacked by the broker')) : resolve(),
        );
      }),
    );
    if (!writable) await drained(channel);
  }
  await Promise.all(confirms);
}
