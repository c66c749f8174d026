import { NotifyError } from '../domain/errors.js';
import { RetryPolicy } from '../domain/retry-policy.js';
import { systemClock } from '../ports/clock.js';
import { silentLogger } from '../ports/logger.js';
import type { QueueMessage } from '../ports/notification-queue.js';
import { TemplateRenderer } from '../rendering/template-renderer.js';
import type { DeliveryListQueryInput } from '../validation/delivery-query.js';
import type { EventListQuery } from '../validation/event-query.js';
import { acceptNotification } from './accept-notification.js';
import type { BulkReplayCommand, DeadLetterListQuery } from './dead-letter-query.js';
import { getDeadLetter, listDeadLetters, replayDeadLetter } from './dead-letters.js';
import type { EmailEngineRuntime } from './engine.js';
import type { EngineContext, EngineDependencies } from './engine-context.js';
import { type EngineOptions, resolveEngineOptions } from './engine-options.js';
import { getNotification } from './get-notification.js';
import { health } from './health.js';
import { getTimeline, listEvents } from './list-events.js';
import { listNotifications } from './list-notifications.js';
import { MailBreaker } from './mail-breaker.js';
import { OutboxRelay } from './outbox-relay.js';
import { processNotification } from './process-notification.js';
import { replayDeadLetters } from './replay-dead-letters.js';
import { retryFailed } from './retry-failed.js';
import type { AcceptCommand, ListQuery } from './views.js';
import {
  getDelivery,
  listDeliveries,
  recoverDeliveries,
  retryDelivery,
  testWebhook,
} from './webhook-deliveries.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
} from './webhooks.js';

/** The runtime plus the outbox's manual controls, for hosts' admin tasks and for tests. */
export interface EmailEngineInstance extends EmailEngineRuntime {
  /** Publishes every accepted id still buffered and waits for the confirms. */
  flushOutbox(): Promise<void>;
  /** Runs one recovery pass now; resolves with how many stranded records were republished. */
  recoverStranded(): Promise<number>;
  /**
   * Sends every webhook delivery due now and waits for the attempts; how many were made. 0 without
   * a webhook sender.
   */
  dispatchWebhooks(): Promise<number>;
}

/**
 * Wires the use cases to the ports. Throws CONFIG_INVALID naming every bad option key.
 * The returned engine owns the SMTP breaker and the outbox relay; call `startRelay()` in a process
 * that should run the recovery loop, and `stop()` on shutdown.
 */
export function createEmailEngine(deps: EngineDependencies, options: EngineOptions): EmailEngineInstance {
  const resolved = resolveEngineOptions(options);
  const clock = deps.clock ?? systemClock;
  const logger = (deps.logger ?? silentLogger).child({ logger: 'email-engine' });
  const breaker = new MailBreaker(deps.transport, {
    failureThreshold: resolved.breaker.failureThreshold,
    resetTimeoutMs: resolved.breaker.resetTimeoutMs,
    timeoutMs: resolved.breaker.timeoutMs,
    onStateChange: (state) =>
      (state === 'open' ? logger.warn : logger.info).call(
        logger,
        { breaker_state: state },
        `SMTP circuit ${state}`,
      ),
  });
  const relay = new OutboxRelay(deps.store, deps.queue, clock, logger, {
    ...resolved.outbox,
    leaseMs: resolved.leaseMs,
    owner: `${resolved.workerId}:outbox`,
  });
  const dispatcher =
    deps.webhookSender === undefined
      ? undefined
      : new WebhookDispatcher(
          deps.store.deliveries,
          deps.webhookSender,
          clock,
          logger,
          {
            ...resolved.webhooks,
            owner: `${resolved.workerId}:webhooks`,
            userAgent: `notify-email/${resolved.version}`,
          },
          async (requestId) => (await deps.store.getByRequestId(requestId))?.correlationId ?? null,
        );
  const ctx: EngineContext = {
    store: deps.store,
    queue: deps.queue,
    transport: deps.transport,
    templates: deps.templates,
    notifier: deps.notifier,
    webhooks: deps.store.webhooks,
    deliveries: deps.store.deliveries,
    urlGuard: deps.urlGuard,
    clock,
    logger,
    breaker,
    relay,
    retryPolicy: new RetryPolicy({
      maxRetries: resolved.maxRetries,
      baseMs: resolved.retryBaseMs,
      capMs: resolved.retryCapMs,
    }),
    renderer: new TemplateRenderer(),
    options: resolved,
  };
  return {
    acceptNotification: (command: AcceptCommand) => acceptNotification(ctx, command),
    processNotification: (message: QueueMessage) => processNotification(ctx, message),
    getNotification: (requestId: string) => getNotification(ctx, requestId),
    listNotifications: (query: ListQuery) => listNotifications(ctx, query),
    getTimeline: (requestId: string) => getTimeline(ctx, requestId),
    listEvents: (query: EventListQuery) => listEvents(ctx, query),
    createWebhook: (body: unknown) => createWebhook(ctx, body),
    listWebhooks: (query: Pick<ListQuery, 'limit' | 'page'>) => listWebhooks(ctx, query),
    getWebhook: (id: string) => getWebhook(ctx, id),
    updateWebhook: (id: string, body: unknown) => updateWebhook(ctx, id, body),
    deleteWebhook: (id: string) => deleteWebhook(ctx, id),
    rotateWebhookSecret: (id: string) => rotateWebhookSecret(ctx, id),
    testWebhook: (id: string) => testWebhook(ctx, id),
    listDeliveries: (id: string, query: DeliveryListQueryInput) => listDeliveries(ctx, id, query),
    getDelivery: (id: string, deliveryId: string) => getDelivery(ctx, id, deliveryId),
    retryDelivery: (id: string, deliveryId: string) => retryDelivery(ctx, id, deliveryId),
    recoverDeliveries: (id: string, body: unknown) => recoverDeliveries(ctx, id, body),
    retryFailed: (requestId: string, correlationId?: string) => retryFailed(ctx, requestId, correlationId),
    health: () => health(ctx),
    listDeadLetters: (query: DeadLetterListQuery) => listDeadLetters(ctx, query),
    getDeadLetter: (requestId: string) => getDeadLetter(ctx, requestId),
    replayDeadLetter: (requestId: string, correlationId?: string) =>
      replayDeadLetter(ctx, requestId, correlationId),
    replayDeadLetters: (command: BulkReplayCommand, correlationId?: string) =>
      replayDeadLetters(ctx, command, correlationId),
    startRelay: () => relay.start(),
    startWebhookDispatcher: () => {
      if (dispatcher === undefined) {
        throw new NotifyError(
          'CONFIG_INVALID',
          'no webhook sender is bound: webhook deliveries cannot be sent',
          {
            details: [{ path: 'webhookSender', message: 'is required to dispatch webhooks' }],
          },
        );
      }
      dispatcher.start();
    },
    stop: async () => {
      await Promise.all([relay.stop(), dispatcher?.stop()]);
      breaker.shutdown();
    },
    breakerState: () => breaker.state(),
    flushOutbox: () => relay.flush(),
    recoverStranded: () => relay.recover(),
    dispatchWebhooks: async () => (dispatcher === undefined ? 0 : dispatcher.dispatchDue()),
  };
}
