import type { Notification } from '../domain/notification.js';
import type { NotificationView } from './views.js';

/** The API's view of a record: snake_case, times as ISO-8601 UTC with `Z`. */
export function toNotificationView(n: Notification): NotificationView {
  return {
    request_id: n.requestId,
    task_id: n.id,
    user_id: n.userId,
    to_email: n.toEmail,
    template_code: n.templateCode,
    status: n.status,
    attempts: n.attempts,
    error: n.error,
    priority: n.priority,
    metadata: n.metadata,
    created_at: n.createdAt.toISOString(),
    updated_at: n.updatedAt.toISOString(),
    delivered_at: n.deliveredAt === null ? null : n.deliveredAt.toISOString(),
  };
}
