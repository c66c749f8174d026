import type { Channel } from 'amqplib';
import type { ResolvedAmqpQueueOptions } from './options.js';

/** Routing keys on the direct exchange. `failed` is the predecessor's, kept for its operators. */
export const WORK_ROUTING_KEY = 'email';
export const FAILED_ROUTING_KEY = 'failed';

export interface DelayTier {
  ms: number;
  /** Queue name, also its routing key on the exchange. */
  queue: string;
}

/** `5000` → `5s`, `120000` → `2m`, `1500` → `1500ms`: readable queue names in `list_queues`. */
function tierLabel(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

export function delayTiers(
  options: Pick<ResolvedAmqpQueueOptions, 'delayTiersMs' | 'delayQueuePrefix'>,
): DelayTier[] {
  return options.delayTiersMs.map((ms) => ({ ms, queue: `${options.delayQueuePrefix}${tierLabel(ms)}` }));
}

/**
 * The tier a message waiting `remainingMs` more goes to: the largest tier not longer than the
 * wait, so it never arrives early; what is left is routed again when it comes back (see
 * consumer). A wait shorter than the smallest tier takes the smallest, so a message is at most
 * one smallest-tier late and never early.
 */
export function tierFor(tiers: DelayTier[], remainingMs: number): DelayTier {
  let chosen = tiers[0] as DelayTier;
  for (const tier of tiers) if (tier.ms <= remainingMs) chosen = tier;
  return chosen;
}

/** Maps the API's 1..100 (higher is sooner) linearly onto the queue's 0..maxPriority. */
export function toAmqpPriority(priority: number, maxPriority: number): number {
  const clamped = Math.min(100, Math.max(1, priority));
  return Math.round(((clamped - 1) * maxPriority) / 99);
}

/**
 * Declares everything idempotently. Re-declaring with different arguments (say, another
 * `maxPriority` on an existing queue) makes the broker close the channel with
 * PRECONDITION_FAILED: queue arguments cannot change in place, the queue must be recreated.
 */
export async function assertTopology(channel: Channel, options: ResolvedAmqpQueueOptions): Promise<void> {
  const { exchange, queue, failedQueue, maxPriority } = options;
  await channel.assertExchange(exchange, 'direct', { durable: true });
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-max-priority': maxPriority } });
  await channel.bindQueue(queue, exchange, WORK_ROUTING_KEY);
  await channel.assertQueue(failedQueue, { durable: true });
  await channel.bindQueue(failedQueue, exchange, FAILED_ROUTING_KEY);
  for (const tier of delayTiers(options)) {
    // A fixed per-queue TTL expires messages strictly in arrival order, so none waits behind a
    // longer one (per-message `expiration` only expires at the head: head-of-line blocking).
    await channel.assertQueue(tier.queue, {
      durable: true,
      arguments: {
        'x-message-ttl': tier.ms,
        'x-dead-letter-exchange': exchange,
        'x-dead-letter-routing-key': WORK_ROUTING_KEY,
      },
    });
    await channel.bindQueue(tier.queue, exchange, tier.queue);
  }
}
