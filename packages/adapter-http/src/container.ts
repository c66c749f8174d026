import {
  type StatusNotifier,
  StatusNotifierToken,
  TemplateSourceToken,
  type WebhookSender,
  WebhookSenderToken,
  type WebhookUrlGuard,
  WebhookUrlGuardToken,
} from '@notify/email-core';
import { ContainerModule } from 'inversify';
import { createWebhookUrlGuard, type WebhookUrlOptions } from './address-guard.js';
import {
  createHttpTemplateSource,
  type HttpTemplateSource,
  type HttpTemplateSourceOptions,
} from './http-template-source.js';
import { createHttpWebhookSender } from './http-webhook-sender.js';
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

/** Binds WebhookUrlGuardToken to the SSRF guard (address-guard.ts) with these options. */
export function webhookUrlGuardModule(options: WebhookUrlOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<WebhookUrlGuard>(WebhookUrlGuardToken).toConstantValue(createWebhookUrlGuard(options));
  });
}

/**
 * Binds WebhookSenderToken to the HTTP sender: the same guard options, applied again at every
 * send and at the socket's lookup.
 */
export function webhookSenderModule(options: WebhookUrlOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<WebhookSender>(WebhookSenderToken).toConstantValue(createHttpWebhookSender(options));
  });
}
