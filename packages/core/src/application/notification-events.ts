import { type EventType, type NotificationEvent, newEventId } from '../domain/events.js';
import { applyPatch, type Notification, type NotificationPatch } from '../domain/notification.js';
import { toNotificationView } from './notification-view.js';

/**
 * The event that reports `record` as it is once `patch` is applied (the store writes both in one
 * transaction, so the view is the one a GET right after the change would show). `data` is the
 * status view, `next_attempt_at`, and the type's `detail` (docs/events.md).
 */
export function notificationEvent(
  type: EventType,
  record: Notification,
  patch: NotificationPatch,
  detail: Record<string, unknown> | null,
  at: Date,
): NotificationEvent {
  const after = applyPatch(record, patch);
  return {
    id: newEventId(),
    type,
    requestId: record.requestId,
    createdAt: at,
    data: {
      ...toNotificationView(after),
      next_attempt_at: after.nextAttemptAt === null ? null : after.nextAttemptAt.toISOString(),
      detail,
    },
  };
}
