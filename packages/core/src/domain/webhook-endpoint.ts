import { randomBytes } from 'node:crypto';
import type { EventType } from './events.js';

/** What an endpoint subscribes to: event types, or `*` for every type (also those added later). */
export type EventSubscription = EventType | '*';

/**
 * A receiver of events: a URL, the types it wants, and the secret its deliveries are signed
 * with (Standard Webhooks). After a rotation the previous secret signs too, until it expires,
 * so a receiver can switch without dropping a delivery.
 */
export interface WebhookEndpoint {
  /** `wh_` and 12 random bytes, base64url. */
  id: string;
  /**
   * `webhook`: one a client made through the API. `status-callback`: the one the service keeps for
   * `STATUS_CALLBACK_URL` (application/status-callback.ts), not shown by the API and sent in the
   * status callback's own format.
   */
  kind: WebhookEndpointKind;
  url: string;
  events: EventSubscription[];
  description: string | null;
  enabled: boolean;
  /** `whsec_` and the base64 of 24 random bytes. */
  secret: string;
  previousSecret: string | null;
  /** Until when `previousSecret` signs as well. */
  previousSecretExpiresAt: Date | null;
  /**
   * Since when every attempt to this endpoint has failed (the first failure after the last
   * success); null while the last attempt succeeded. Set by the delivery outbox; an endpoint
   * failing for longer than `WEBHOOK_DISABLE_AFTER` is disabled there.
   */
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type WebhookEndpointKind = 'webhook' | 'status-callback';

/** The fields an update may change. */
export type WebhookEndpointPatch = Partial<
  Pick<
    WebhookEndpoint,
    | 'url'
    | 'events'
    | 'description'
    | 'enabled'
    | 'secret'
    | 'previousSecret'
    | 'previousSecretExpiresAt'
    | 'failingSince'
  >
> & { updatedAt: Date };

export function newWebhookEndpointId(): string {
  return `wh_${randomBytes(12).toString('base64url')}`;
}

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Whether an endpoint wants events of `type`. */
export function subscribesTo(endpoint: Pick<WebhookEndpoint, 'events'>, type: EventType): boolean {
  return endpoint.events.includes('*') || endpoint.events.includes(type);
}

/** The secrets that sign a delivery at `now`: the current one, then the previous while it lasts. */
export function signingSecrets(endpoint: WebhookEndpoint, now: Date): string[] {
  const previousValid =
    endpoint.previousSecret !== null &&
    endpoint.previousSecretExpiresAt !== null &&
    endpoint.previousSecretExpiresAt > now;
  return previousValid ? [endpoint.secret, endpoint.previousSecret as string] : [endpoint.secret];
}
