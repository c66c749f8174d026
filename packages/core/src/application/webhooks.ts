import { NotifyError } from '../domain/errors.js';
import { newWebhookEndpointId, newWebhookSecret, type WebhookEndpoint } from '../domain/webhook-endpoint.js';
import { parseListQuery } from '../validation/list-query.js';
import { parseCreateWebhook, parseUpdateWebhook } from '../validation/webhook-schema.js';
import type { EngineContext } from './engine-context.js';
import { STATUS_CALLBACK_ENDPOINT_ID } from './status-callback.js';
import { guardStore } from './store-errors.js';
import { type ListQuery, pageMeta } from './views.js';
import {
  toWebhookView,
  toWebhookWithSecretView,
  type WebhookListOutput,
  type WebhookView,
  type WebhookWithSecretView,
} from './webhook-views.js';

/** For 24 hours after a rotation the previous secret signs too, so receivers can switch over. */
export const PREVIOUS_SECRET_VALIDITY_MS = 24 * 60 * 60 * 1000;

async function checkUrl(ctx: EngineContext, url: string): Promise<void> {
  if (ctx.urlGuard === undefined) {
    throw new NotifyError(
      'CONFIG_INVALID',
      'This engine has no WebhookUrlGuard: pass one (e.g. createWebhookUrlGuard from @notify/adapter-http) to createEmailEngine',
    );
  }
  await ctx.urlGuard.check(url);
}

/** NOT_FOUND naming the webhook id. */
export function webhookNotFound(id: string): NotifyError {
  return new NotifyError('NOT_FOUND', `No webhook with id '${id}'`);
}

/**
 * The status callback's endpoint is the service's, kept in step with STATUS_CALLBACK_URL: the API
 * neither shows nor changes it (its delivery log is readable, application/webhook-deliveries.ts).
 */
export function assertClientWebhookId(id: string): void {
  if (id === STATUS_CALLBACK_ENDPOINT_ID) throw webhookNotFound(id);
}

/** Validates, checks the URL with the SSRF guard, stores; the answer is the only one with the secret. */
export async function createWebhook(ctx: EngineContext, body: unknown): Promise<WebhookWithSecretView> {
  const input = parseCreateWebhook(body);
  await checkUrl(ctx, input.url);
  const now = ctx.clock.now();
  const endpoint: WebhookEndpoint = {
    id: newWebhookEndpointId(),
    kind: 'webhook',
    url: input.url,
    events: input.events,
    description: input.description ?? null,
    enabled: true,
    secret: newWebhookSecret(),
    previousSecret: null,
    previousSecretExpiresAt: null,
    failingSince: null,
    createdAt: now,
    updatedAt: now,
  };
  const created = await guardStore('store the webhook', () => ctx.webhooks.create(endpoint));
  ctx.logger.info({ webhook_id: created.id, events: created.events }, 'Webhook endpoint created');
  return toWebhookWithSecretView(created);
}

export async function getWebhook(ctx: EngineContext, id: string): Promise<WebhookView> {
  assertClientWebhookId(id);
  const found = await guardStore('read the webhook', () => ctx.webhooks.get(id));
  if (found === null) throw webhookNotFound(id);
  return toWebhookView(found);
}

/** Newest first, paged like the notification list (`limit` 1..100, `page`). */
export async function listWebhooks(
  ctx: EngineContext,
  query: Pick<ListQuery, 'limit' | 'page'>,
): Promise<WebhookListOutput> {
  const { limit, page } = parseListQuery({ limit: query.limit, page: query.page });
  const result = await guardStore('list webhooks', () =>
    ctx.webhooks.list({ limit, offset: (page - 1) * limit }),
  );
  return { items: result.items.map(toWebhookView), meta: pageMeta(result.total, limit, page) };
}

/** Changes `url` (checked again), `events`, `description` or `enabled`. */
export async function updateWebhook(ctx: EngineContext, id: string, body: unknown): Promise<WebhookView> {
  assertClientWebhookId(id);
  const input = parseUpdateWebhook(body);
  if (input.url !== undefined) await checkUrl(ctx, input.url);
  // Enabling again starts the failure clock again: the endpoint gets its five days anew.
  const restart = input.enabled === true ? { failingSince: null } : {};
  const updated = await guardStore('update the webhook', () =>
    ctx.webhooks.update(id, { ...input, ...restart, updatedAt: ctx.clock.now() }),
  );
  if (updated === null) throw webhookNotFound(id);
  return toWebhookView(updated);
}

export async function deleteWebhook(ctx: EngineContext, id: string): Promise<void> {
  assertClientWebhookId(id);
  const deleted = await guardStore('delete the webhook', () => ctx.webhooks.delete(id));
  if (!deleted) throw webhookNotFound(id);
  ctx.logger.info({ webhook_id: id }, 'Webhook endpoint deleted');
}

/**
 * A new secret; the one it replaces keeps signing (second in `webhook-signature`) for 24 hours.
 * The write applies only while the secret is still the one read, so two rotations at once cannot
 * drop a secret one of them handed out: the loser reads again and rotates after the winner.
 */
export async function rotateWebhookSecret(ctx: EngineContext, id: string): Promise<WebhookWithSecretView> {
  assertClientWebhookId(id);
  for (let attempt = 0; attempt < 5; attempt++) {
    const found = await guardStore('read the webhook', () => ctx.webhooks.get(id));
    if (found === null) throw webhookNotFound(id);
    const now = ctx.clock.now();
    const rotated = await guardStore('update the webhook', () =>
      ctx.webhooks.update(
        id,
        {
          secret: newWebhookSecret(),
          previousSecret: found.secret,
          previousSecretExpiresAt: new Date(now.getTime() + PREVIOUS_SECRET_VALIDITY_MS),
          updatedAt: now,
        },
        found.secret,
      ),
    );
    if (rotated !== null) {
      ctx.logger.info({ webhook_id: id }, 'Webhook secret rotated');
      return toWebhookWithSecretView(rotated);
    }
  }
  throw new NotifyError(
    'STORE_UNAVAILABLE',
    'The webhook secret kept changing under the rotation; try again',
  );
}
