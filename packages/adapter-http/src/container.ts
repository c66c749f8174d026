import { type StatusNotifier, StatusNotifierToken, TemplateSourceToken } from '@notify/email-core';
import { ContainerModule } from 'inversify';
import {
  createHttpTemplateSource,
  type HttpTemplateSource,
  type HttpTemplateSourceOptions,
} from './http-template-source.js';
import { createWebhookNotifier, type WebhookNotifierOptions } from './webhook-notifier.js';

/** Binds TemplateSourceToken to an HttpTemplateSource (one cache and breaker per container). */
export function httpTemplateSourceModule(options: HttpTemplateSourceOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<HttpTemplateSource>(TemplateSourceToken)
      .toDynamicValue(() => createHttpTemplateSource(options))
      .inSingletonScope()
      .onDeactivation((source) => source.close());
  });
}

/** Binds StatusNotifierToken to a WebhookNotifier; unbinding waits (bounded) for pending callbacks. */
export function webhookNotifierModule(options: WebhookNotifierOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<StatusNotifier>(StatusNotifierToken)
      .toDynamicValue(() => createWebhookNotifier(options))
      .inSingletonScope()
      .onDeactivation((notifier) => notifier.close());
  });
}
