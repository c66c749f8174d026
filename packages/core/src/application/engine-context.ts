import type { RetryPolicy } from '../domain/retry-policy.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { MailTransport } from '../ports/mail-transport.js';
import type { NotificationQueue } from '../ports/notification-queue.js';
import type { NotificationStore } from '../ports/notification-store.js';
import type { StatusNotifier } from '../ports/status-notifier.js';
import type { TemplateSource } from '../ports/template-source.js';
import type { WebhookDeliveryStore } from '../ports/webhook-delivery-store.js';
import type { WebhookEndpointStore } from '../ports/webhook-endpoint-store.js';
import type { WebhookSender } from '../ports/webhook-sender.js';
import type { WebhookUrlGuard } from '../ports/webhook-url-guard.js';
import type { TemplateRenderer } from '../rendering/template-renderer.js';
import type { ResolvedEngineOptions } from './engine-options.js';
import type { MailBreaker } from './mail-breaker.js';
import type { OutboxRelay } from './outbox-relay.js';

/** The ports an engine is built from; `notifier`, `clock` and `logger` are optional. */
export interface EngineDependencies {
  store: NotificationStore;
  queue: NotificationQueue;
  transport: MailTransport;
  templates: TemplateSource;
  notifier?: StatusNotifier;
  /** The SSRF guard for webhook URLs; without one, creating a webhook is CONFIG_INVALID. */
  urlGuard?: WebhookUrlGuard;
  /** Sends webhook deliveries; without one this engine does not dispatch them (another process may). */
  webhookSender?: WebhookSender;
  clock?: Clock;
  logger?: Logger;
}

/** Everything a use case needs, wired once by `createEmailEngine`. */
export interface EngineContext {
  store: NotificationStore;
  queue: NotificationQueue;
  /** The raw transport, for health's reachability probe; sends go through `breaker`. */
  transport: MailTransport;
  templates: TemplateSource;
  notifier: StatusNotifier | undefined;
  /** The store's endpoints: those its events fan out to. */
  webhooks: WebhookEndpointStore;
  /** The store's webhook outbox. */
  deliveries: WebhookDeliveryStore;
  urlGuard: WebhookUrlGuard | undefined;
  clock: Clock;
  logger: Logger;
  breaker: MailBreaker;
  retryPolicy: RetryPolicy;
  renderer: TemplateRenderer;
  relay: OutboxRelay;
  options: ResolvedEngineOptions;
}
