/** Talks to the stack's RabbitMQ vhost directly, as an operator or a foreign producer would. */
import amqp from 'amqplib';
import { rabbitmqctl } from '../../test-support/rabbitmq.js';
import type { Stack } from '../../test-support/stack.js';
import { sleep } from '../../test-support/wait.js';

export interface DeadLetterEntry {
  requestId: string | null;
  errorCode: string;
  error: string;
  attempts: number;
  raw?: string;
}

/** Publishes raw bodies straight onto `email.queue` (persistent, through the default exchange). */
export async function publishRaw(stack: Stack, bodies: string[]): Promise<void> {
  const connection = await amqp.connect(stack.vhost.url);
  try {
    const channel = await connection.createConfirmChannel();
    for (const body of bodies) channel.sendToQueue('email.queue', Buffer.from(body), { persistent: true });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** Takes every message waiting on `failed.queue` and decodes it (the queue is left empty). */
export async function drainFailedQueue(stack: Stack): Promise<DeadLetterEntry[]> {
  const connection = await amqp.connect(stack.vhost.url);
  const entries: DeadLetterEntry[] = [];
  try {
    const channel = await connection.createChannel();
    for (;;) {
      const message = await channel.get('failed.queue', { noAck: true });
      if (message === false) break;
      entries.push(JSON.parse(message.content.toString('utf8')) as DeadLetterEntry);
    }
  } finally {
    await connection.close();
  }
  return entries;
}

/**
 * Stops the RabbitMQ application (every vhost on this machine: the connections of other runs
 * drop too, and their clients reconnect), keeps it down for `downMs`, and always starts it again.
 */
export async function restartBroker(
  downMs: number,
  whileDown: () => void = () => {},
): Promise<{ downMs: number }> {
  const started = Date.now();
  try {
    await rabbitmqctl('stop_app');
    await sleep(downMs);
    whileDown();
  } finally {
    await rabbitmqctl('start_app');
    await rabbitmqctl('await_startup');
  }
  return { downMs: Date.now() - started };
}
