import { z } from 'zod';
import { EVENT_TYPES, type NotificationEvent } from '../domain/events.js';
import { isoTimeSchema } from './views.js';

export const eventTypeSchema = z.enum(EVENT_TYPES);

export const eventViewSchema = z
  .object({
    id: z.string().describe('`evt_…`, opaque; the `webhook-id` of every delivery of this event.'),
    type: eventTypeSchema,
    created_at: isoTimeSchema,
    data: z
      .record(z.string(), z.unknown())
      .describe(
        'For notification events: the status view of the notification at the change, `next_attempt_at`, and `detail` for the type (docs/events.md).',
      ),
  })
  .describe('One event: a change of a notification, as it was written with the change.');
export type EventView = z.output<typeof eventViewSchema>;

export const eventPageMetaSchema = z.object({
  next_cursor: z
    .string()
    .nullable()
    .describe('Pass as `cursor` to get the events after this page; null when there was none yet.'),
  has_more: z.boolean().describe('More events are waiting: ask again at once.'),
  limit: z.int().min(1),
});

export const eventListOutputSchema = z.object({
  items: z.array(eventViewSchema).describe('Oldest first.'),
  meta: eventPageMetaSchema,
});
export type EventListOutput = z.output<typeof eventListOutputSchema>;

export function toEventView(event: NotificationEvent): EventView {
  return { id: event.id, type: event.type, created_at: event.createdAt.toISOString(), data: event.data };
}
