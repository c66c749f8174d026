import { ContainerModule } from 'inversify';
import { createEmailEngine } from './application/create-engine.js';
import { type EmailEngineRuntime, EmailEngineToken } from './application/engine.js';
import type { EngineOptions } from './application/engine-options.js';
import { type Clock, ClockToken } from './ports/clock.js';
import { type Logger, LoggerToken } from './ports/logger.js';
import { type MailTransport, MailTransportToken } from './ports/mail-transport.js';
import { type NotificationQueue, NotificationQueueToken } from './ports/notification-queue.js';
import { type NotificationStore, NotificationStoreToken } from './ports/notification-store.js';
import { type StatusNotifier, StatusNotifierToken } from './ports/status-notifier.js';
import { type TemplateSource, TemplateSourceToken } from './ports/template-source.js';

/**
 * Binds `EmailEngineToken` to one engine (singleton) built from the port tokens the adapters'
 * modules bind: store, queue, transport and templates are required; status notifier, clock and
 * logger are used when bound. Options are checked on first resolution (CONFIG_INVALID).
 * Unbinding the engine (`container.unbindAsync(EmailEngineToken)` or `unbindAllAsync()`; the stop is
 * asynchronous, so the sync variants refuse) stops it: relay flushed, breaker shut down.
 */
export function coreModule(options: EngineOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<EmailEngineRuntime>(EmailEngineToken)
      .toDynamicValue((context) =>
        createEmailEngine(
          {
            store: context.get<NotificationStore>(NotificationStoreToken),
            queue: context.get<NotificationQueue>(NotificationQueueToken),
            transport: context.get<MailTransport>(MailTransportToken),
            templates: context.get<TemplateSource>(TemplateSourceToken),
            notifier: context.get<StatusNotifier>(StatusNotifierToken, { optional: true }),
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
