import { ContainerModule } from 'inversify';
import { createEmailEngine, type EmailEngineInstance } from './application/create-engine.js';
import { EmailEngineToken } from './application/engine.js';
import type { EngineOptions } from './application/engine-options.js';
import {
  InMemoryNotificationQueue,
  type InMemoryNotificationQueueOptions,
} from './memory/in-memory-notification-queue.js';
import {
  InMemoryNotificationStore,
  type InMemoryNotificationStoreOptions,
} from './memory/in-memory-notification-store.js';
import { InMemoryRateLimiter, type InMemoryRateLimiterOptions } from './memory/in-memory-rate-limiter.js';
import { type Clock, ClockToken } from './ports/clock.js';
import { type Logger, LoggerToken } from './ports/logger.js';
import { type MailTransport, MailTransportToken } from './ports/mail-transport.js';
import { type NotificationQueue, NotificationQueueToken } from './ports/notification-queue.js';
import { type NotificationStore, NotificationStoreToken } from './ports/notification-store.js';
import { type RateLimiter, RateLimiterToken } from './ports/rate-limiter.js';
import { type StatusNotifier, StatusNotifierToken } from './ports/status-notifier.js';
import { type TemplateSource, TemplateSourceToken } from './ports/template-source.js';
import { type WebhookSender, WebhookSenderToken } from './ports/webhook-sender.js';
import { type WebhookUrlGuard, WebhookUrlGuardToken } from './ports/webhook-url-guard.js';
import {
  DirectoryTemplateSource,
  type DirectoryTemplateSourceOptions,
} from './rendering/directory-template-source.js';

/**
 * Binds `EmailEngineToken` to one engine (singleton) built from the port tokens the adapters'
 * modules bind: store, queue, transport and templates are required; status notifier, URL guard,
 * webhook sender, clock and logger are used when bound. Options are checked on first resolution (CONFIG_INVALID).
 * Unbinding the engine (`container.unbindAsync(EmailEngineToken)` or `unbindAllAsync()`; the stop is
 * asynchronous, so the sync variants refuse) stops it: relay flushed, breaker shut down.
 */
export function coreModule(options: EngineOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<EmailEngineInstance>(EmailEngineToken)
      .toDynamicValue((context) =>
        createEmailEngine(
          {
            store: context.get<NotificationStore>(NotificationStoreToken),
            queue: context.get<NotificationQueue>(NotificationQueueToken),
            transport: context.get<MailTransport>(MailTransportToken),
            templates: context.get<TemplateSource>(TemplateSourceToken),
            notifier: context.get<StatusNotifier>(StatusNotifierToken, { optional: true }),
            webhookSender: context.get<WebhookSender>(WebhookSenderToken, { optional: true }),
            urlGuard: context.get<WebhookUrlGuard>(WebhookUrlGuardToken, { optional: true }),
            clock: context.get<Clock>(ClockToken, { optional: true }),
            logger: context.get<Logger>(LoggerToken, { optional: true }),
          },
          options,
        ),
      )
      .inSingletonScope()
      .onDeactivation((engine) => engine.stop());
  });
}

/*
 * The core's own backends as modules, the same shape as each adapter's: the stock service loads
 * one module per port, an adapter's or one of these, and never wires a backend by hand.
 */

/** Binds NotificationStoreToken to an InMemoryNotificationStore (this process only). */
export function inMemoryStoreModule(options: InMemoryNotificationStoreOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<NotificationStore>(NotificationStoreToken)
      .toDynamicValue(() => new InMemoryNotificationStore(options))
      .inSingletonScope()
      .onDeactivation((store) => store.close());
  });
}

/** Binds NotificationQueueToken to an InMemoryNotificationQueue (this process only). */
export function inMemoryQueueModule(options: InMemoryNotificationQueueOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<NotificationQueue>(NotificationQueueToken)
      .toDynamicValue(() => new InMemoryNotificationQueue(options))
      .inSingletonScope()
      .onDeactivation((queue) => queue.close());
  });
}

/** Binds RateLimiterToken to an InMemoryRateLimiter (limits per process). */
export function inMemoryRateLimiterModule(options: InMemoryRateLimiterOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<RateLimiter>(RateLimiterToken)
      .toDynamicValue(() => new InMemoryRateLimiter(options))
      .inSingletonScope()
      .onDeactivation((limiter) => limiter.close());
  });
}

/** Binds TemplateSourceToken to the Handlebars templates in `directory`. */
export function directoryTemplateSourceModule(
  directory: string,
  options: DirectoryTemplateSourceOptions = {},
): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<TemplateSource>(TemplateSourceToken)
      .toDynamicValue(() => new DirectoryTemplateSource(directory, options))
      .inSingletonScope();
  });
}
