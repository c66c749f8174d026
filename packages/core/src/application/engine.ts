import type { QueueMessage } from '../ports/notification-queue.js';
import type { DeliveryListQueryInput } from '../validation/delivery-query.js';
import type { EventListQuery } from '../validation/event-query.js';
import type { BulkReplayCommand, DeadLetterListQuery } from './dead-letter-query.js';
import type {
  DeadLetterDetailView,
  DeadLetterListOutput,
  NotificationHistoryView,
} from './dead-letter-views.js';
import type { DeliveryDetailView, DeliveryListOutput, DeliveryView } from './delivery-views.js';
import type { EventListOutput, EventView } from './event-views.js';
import type { BulkReplayResult } from './replay-dead-letters.js';
import type {
  AcceptCommand,
  AcceptResult,
  HealthReport,
  ListOutput,
  ListQuery,
  NotificationView,
  ProcessOutcome,
} from './views.js';
import type { WebhookListOutput, WebhookView, WebhookWithSecretView } from './webhook-views.js';

/**
 * The use cases, as one object: the only thing hosts call.
 * Errors are NotifyError (VALIDATION_FAILED with details, NOT_FOUND, IDEMPOTENCY_KEY_REUSED,
 * STORE_UNAVAILABLE, ...); hosts map `code` to a status.
 */
export interface EmailEngine {
  /** Validate, store durably, schedule the publish; resolves once the record is committed. */
  acceptNotification(command: AcceptCommand): Promise<AcceptResult>;
  /** Handle one queue message: claim, render, send, store the outcome, republish or dead-letter. */
  processNotification(message: QueueMessage): Promise<ProcessOutcome>;
  getNotification(requestId: string): Promise<NotificationView>;
  listNotifications(query: ListQuery): Promise<ListOutput>;
  /** The notification's events, oldest first; NOT_FOUND when unknown. */
  getTimeline(requestId: string): Promise<EventView[]>;
  /** Every event, oldest first, by cursor (`type`, `since`, `cursor`, `limit`, raw query values). */
  listEvents(query: EventListQuery): Promise<EventListOutput>;
  /** Validates, checks the URL (SSRF guard), stores; the answer carries the secret, shown only here. */
  createWebhook(body: unknown): Promise<WebhookWithSecretView>;
  listWebhooks(query: Pick<ListQuery, 'limit' | 'page'>): Promise<WebhookListOutput>;
  getWebhook(id: string): Promise<WebhookView>;
  /** `url` (checked again), `events`, `description`, `enabled`. */
  updateWebhook(id: string, body: unknown): Promise<WebhookView>;
  deleteWebhook(id: string): Promise<void>;
  /** A new secret; the previous one also signs for 24 hours. */
  rotateWebhookSecret(id: string): Promise<WebhookWithSecretView>;
  /** Queues a `webhook.test` event for this endpoint, sent at once; the delivery. */
  testWebhook(id: string): Promise<DeliveryView>;
  /** The endpoint's delivery log, newest first (`status`, `limit`, `page`, raw query values). */
  listDeliveries(id: string, query: DeliveryListQueryInput): Promise<DeliveryListOutput>;
  /** One delivery with its attempt log; NOT_FOUND when unknown or not this endpoint's. */
  getDelivery(id: string, deliveryId: string): Promise<DeliveryDetailView>;
  /** Sends one delivery again now. */
  retryDelivery(id: string, deliveryId: string): Promise<DeliveryView>;
  /** `{ since }`: every failed delivery created since then, sent again now; how many. */
  recoverDeliveries(id: string, body: unknown): Promise<{ recovered: number; since: string }>;
  /** failed → queued with a fresh attempt budget; history kept. */
  retryFailed(requestId: string, correlationId?: string): Promise<NotificationView>;
  health(): Promise<HealthReport>;
  /** Failed notifications, newest failure first, filtered by user_id, template_code, error_code. */
  listDeadLetters(query: DeadLetterListQuery): Promise<DeadLetterListOutput>;
  /** One failed notification with its whole history; NOT_FOUND when unknown or not failed. */
  getDeadLetter(requestId: string): Promise<DeadLetterDetailView>;
  /** retryFailed, answering with the history; NOT_FOUND when unknown, NOT_REPLAYABLE when not failed. */
  replayDeadLetter(requestId: string, correlationId?: string): Promise<NotificationHistoryView>;
  /** Replays up to `limit` (default 100, at most 1000) dead letters matching `filter`; returns counts. */
  replayDeadLetters(command: BulkReplayCommand, correlationId?: string): Promise<BulkReplayResult>;
}

export const EmailEngineToken = Symbol.for('@notify/EmailEngine');

/** What `createEmailEngine(deps, options)` (application/create-engine.ts) returns. */
export interface EmailEngineRuntime extends EmailEngine {
  /** Starts the outbox relay (batched, confirmed publishing after commit) and the recovery loop. */
  startRelay(): void;
  /**
   * Starts the webhook dispatcher (workers and the embedded service run it); CONFIG_INVALID
   * without a webhook sender.
   */
  startWebhookDispatcher(): void;
  /** Flushes pending publishes and stops background loops. */
  stop(): Promise<void>;
  /** Current state of the SMTP breaker. */
  breakerState(): 'closed' | 'open' | 'half-open';
}
