import { z } from 'zod';
import { NotifyError } from '../domain/errors.js';
import { EVENT_TYPES } from '../domain/events.js';
import type { EventSubscription } from '../domain/webhook-endpoint.js';
import { isPlainObject } from './field-rules.js';
import { issueDetails, onePerField, validationFailed } from './validation-details.js';

export const MAX_WEBHOOK_URL_LENGTH = 2048;
export const MAX_WEBHOOK_DESCRIPTION_LENGTH = 500;

const subscriptionSchema = z.enum(['*', ...EVENT_TYPES], {
  error: `must be an event type (${EVENT_TYPES.join(', ')}) or "*"`,
});

const urlSchema = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(MAX_WEBHOOK_URL_LENGTH, { error: `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters` })
  .refine((value) => /^https?:\/\//i.test(value), { error: 'must be an http or https URL' })
  .meta({ pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' })
  .describe('Where events are POSTed: http(s); its host must not be a private or loopback address.');

const eventsSchema = z
  .array(subscriptionSchema, { error: 'must be an array of event types' })
  .min(1, { error: 'must name at least one event type, or "*"' })
  .max(EVENT_TYPES.length + 1)
  .describe('The event types to receive; `["*"]` for every type, those added later included.');

const descriptionSchema = z
  .string({ error: 'must be a string or null' })
  .max(MAX_WEBHOOK_DESCRIPTION_LENGTH, {
    error: `must be at most ${MAX_WEBHOOK_DESCRIPTION_LENGTH} characters`,
  })
  .nullable();

export const createWebhookSchema = z.strictObject({
  url: urlSchema,
  events: eventsSchema,
  description: descriptionSchema.optional(),
});

export const updateWebhookSchema = z.strictObject({
  url: urlSchema.optional(),
  events: eventsSchema.optional(),
  description: descriptionSchema.optional(),
  enabled: z.boolean({ error: 'must be true or false' }).optional(),
});

export interface WebhookInput {
  url?: string;
  events?: EventSubscription[];
  description?: string | null;
  enabled?: boolean;
}

const FIELD_ORDER = ['url', 'events', 'description', 'enabled'] as const;

function parseWith(schema: z.ZodType, body: unknown): WebhookInput {
  if (!isPlainObject(body)) {
    throw new NotifyError('VALIDATION_FAILED', 'Invalid request: the body must be a JSON object', {
      details: [{ path: 'body', message: 'must be a JSON object' }],
    });
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    const details = result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ path: key, message: `${key} is not a field of a webhook` }))
        : issueDetails([issue]),
    );
    throw validationFailed(onePerField(details, FIELD_ORDER));
  }
  const input = result.data as WebhookInput;
  // The same type twice subscribes once.
  if (input.events !== undefined) input.events = [...new Set(input.events)];
  return input;
}

/** The body of POST /api/v1/webhooks/: VALIDATION_FAILED with a detail per bad field. */
export function parseCreateWebhook(
  body: unknown,
): Required<Pick<WebhookInput, 'url' | 'events'>> & WebhookInput {
  return parseWith(createWebhookSchema, body) as Required<Pick<WebhookInput, 'url' | 'events'>> &
    WebhookInput;
}

/** The body of PATCH /api/v1/webhooks/{id}/. */
export function parseUpdateWebhook(body: unknown): WebhookInput {
  return parseWith(updateWebhookSchema, body);
}
