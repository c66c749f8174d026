import { createHash } from 'node:crypto';
import type { OutboundEvent } from '../domain/webhook-delivery.js';
import type { WebhookEndpoint } from '../domain/webhook-endpoint.js';
import type { StatusEvent } from '../ports/status-notifier.js';

/*
 * The status callback (`STATUS_CALLBACK_URL`, docs/api.md) as a consumer of the events: one
 * endpoint of kind `status-callback`, kept by the service in step with its configuration, gets
 * the `delivered` and `failed` events through the webhook outbox, so a callback is durable and
 * retried like any delivery. What it sends is what it always sent: the StatusEvent body, its
 * stable `webhook-id`, signed only when a secret is configured.
 */

/** The reserved id of the status callback's endpoint (no `wh_` id the core makes can be it). */
export const STATUS_CALLBACK_ENDPOINT_ID = 'wh_status_callback';

/** The endpoint that carries the status callback: the two final events, to the configured URL. */
export function statusCallbackEndpoint(url: string, secret: string | undefined, now: Date): WebhookEndpoint {
  return {
    id: STATUS_CALLBACK_ENDPOINT_ID,
    kind: 'status-callback',
    url,
    events: ['notification.delivered', 'notification.failed'],
    description: 'STATUS_CALLBACK_URL',
    enabled: true,
    // Empty: the callback goes unsigned, as it did without STATUS_CALLBACK_SECRET.
    secret: secret ?? '',
    previousSecret: null,
    previousSecretExpiresAt: null,
    failingSince: null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Stable per outcome, so a receiver can de-duplicate retries (and a second delivery of the same
 * outcome after a crash): derived from what makes the outcome unique, not random.
 */
export function statusCallbackId(event: StatusEvent): string {
  const digest = createHash('sha256')
    .update(`${event.notification_id}\n${event.request_id}\n${event.status}\n${event.attempts}`)
    .digest('base64url');
  return `msg_${digest.slice(0, 32)}`;
}

/** The StatusEvent of a `delivered` or `failed` event (its data is the status view then). */
export function statusCallbackEvent(event: OutboundEvent, correlationId: string | null): StatusEvent {
  const data = event.data;
  const status: StatusEvent = {
    notification_id: String(data.task_id ?? ''),
    request_id: String(data.request_id ?? ''),
    status: event.type === 'notification.failed' ? 'failed' : 'delivered',
    error: typeof data.error === 'string' ? data.error : null,
    attempts: typeof data.attempts === 'number' ? data.attempts : 0,
    timestamp: event.createdAt.toISOString(),
    metadata: (data.metadata as Record<string, unknown> | undefined) ?? {},
  };
  if (correlationId !== null) status.correlation_id = correlationId;
  return status;
}
