import { type Logger, LoggerToken, type NotificationQueue, NotificationQueueToken } from '@notify/email-core';
import { ContainerModule } from 'inversify';
import { createAmqpQueue } from './amqp-queue.js';
import { type AmqpQueueOptions, resolveAmqpQueueOptions } from './options.js';

/**
 * Binds NotificationQueueToken to one AmqpNotificationQueue, created (and connected) on first
 * resolution and closed when the container unbinds it (`unbindAsync`: closing is asynchronous). Options are checked here, at composition
 * time, so a bad configuration fails before anything starts. A bound LoggerToken is used unless
 * `options.logger` is given.
 */
export function amqpQueueModule(options: AmqpQueueOptions): ContainerModule {
  resolveAmqpQueueOptions(options);
  return new ContainerModule(({ bind }) => {
    bind<NotificationQueue>(NotificationQueueToken)
      .toDynamicValue((context) => {
        const logger = options.logger ?? context.get<Logger>(LoggerToken, { optional: true });
        return createAmqpQueue(logger ? { ...options, logger } : options);
      })
      .inSingletonScope()
      .onDeactivation((queue) => queue.close());
  });
}
