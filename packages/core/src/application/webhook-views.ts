import { z } from 'zod';
import { EVENT_TYPES } from '../domain/events.js';
import type { WebhookEndpoint } from '../domain/webhook-endpoint.js';
import { isoTimeSchema, pageMetaSchema } from './views.js';

export const webhookViewSchema = z
  .object({
    id: z.string().describe('`wh_…`, opaque.'),
    url: z.string(),
    events: z.array(z.enum(['*', ...EVENT_TYPES])),
    description: z.string().nullable(),
    enabled: z.boolean(),
    secret_hint: z.string().describe('The last 4 characters of the signing secret.'),
    failing_since: isoTimeSchema
      .nullable()
      .describe(
        'Since when every attempt to this endpoint has failed; null while the last one succeeded. Failing for 5 days disables it.',
      ),
    created_at: isoTimeSchema,
    updated_at: isoTimeSchema,
  })
  .describe('A webhook endpoint; its secret is shown only when created or rotated.');
export type WebhookView = z.output<typeof webhookViewSchema>;

export const webhookWithSecretViewSchema = webhookViewSchema
  .extend({
    secret: z
      .string()
      .describe('`whsec_` + base64 of 24 random bytes: the key of `webhook-signature`. Shown only now.'),
  })
  .describe('A webhook endpoint with its signing secret, shown only in this answer.');
export type WebhookWithSecretView = z.output<typeof webhookWithSecretViewSchema>;

export const webhookListOutputSchema = z.object({
  items: z.array(webhookViewSchema).describe('Newest first.'),
  meta: pageMetaSchema,
});
export type WebhookListOutput = z.output<typeof webhookListOutputSchema>;

export function toWebhookView(endpoint: WebhookEndpoint): WebhookView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: [...endpoint.events],
    description: endpoint.description,
    enabled: endpoint.enabled,
    secret_hint: endpoint.secret.slice(-4),
    failing_since: endpoint.failingSince?.toISOString() ?? null,
    created_at: endpoint.createdAt.toISOString(),
    updated_at: endpoint.updatedAt.toISOString(),
  };
}

export function toWebhookWithSecretView(endpoint: WebhookEndpoint): WebhookWithSecretView {
  return { ...toWebhookView(endpoint), secret: endpoint.secret };
}
