import { randomBytes } from 'node:crypto';

/**
 * Every kind of event the service writes (docs/events.md). A notification event is written in
 * the same transaction as the change it reports, so it exists exactly when its change does.
 */
export const EVENT_TYPES = [
  'notification.accepted',
  'notification.scheduled',
  'notification.cancelled',
  'notification.deferred',
  'notification.delivered',
  'notification.failed',
  'notification.suppressed',
  'notification.bounced',
  'notification.complained',
  'notification.unsubscribed',
  'notification.opened',
  'notification.clicked',
  'suppression.created',
  'suppression.deleted',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** One event, as stored and as the API shows it (`created_at` aside). */
export interface NotificationEvent {
  /** `evt_` and 16 random bytes, base64url: opaque, unique, unguessable. */
  id: string;
  type: EventType;
  /** The notification the event is about; null for events about something else (suppressions). */
  requestId: string | null;
  createdAt: Date;
  /**
   * The event's `data` exactly as clients get it (snake_case JSON), frozen when the change was
   * written: for a notification event its status view then, plus `detail`.
   */
  data: Record<string, unknown>;
}

export function newEventId(): string {
  return `evt_${randomBytes(16).toString('base64url')}`;
}
