import { NotifyError } from '../domain/errors.js';
import type { EngineContext } from './engine-context.js';
import { toNotificationView } from './notification-view.js';
import { guardStore } from './store-errors.js';
import type { NotificationView } from './views.js';

export async function getNotification(ctx: EngineContext, requestId: string): Promise<NotificationView> {
  const found = await guardStore('read the notification', () => ctx.store.getByRequestId(requestId));
  if (found === null) {
    throw new NotifyError('NOT_FOUND', `No notification with request_id '${requestId}'`);
  }
  return toNotificationView(found);
}
