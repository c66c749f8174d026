export { AmqpNotificationQueue, createAmqpQueue } from './amqp-queue.js';
export { amqpQueueModule } from './container.js';
export {
  type AmqpQueueOptions,
  type AmqpReconnectOptions,
  DEFAULT_DELAY_TIERS_MS,
  type ResolvedAmqpQueueOptions,
  resolveAmqpQueueOptions,
} from './options.js';
export {
  type DelayTier,
  delayTiers,
  FAILED_ROUTING_KEY,
  tierFor,
  toAmqpPriority,
  WORK_ROUTING_KEY,
} from './topology.js';
