import { NotifyError } from '../domain/errors.js';
import type { EngineContext } from './engine-context.js';
import { toNotificationView } from './notification-view.js';
import { readNotification } from './store-errors.js';
import type { NotificationView } from './views.js';

export async function getNotification(ctx: EngineContext, requestId: string): Promise<NotificationView> {
  const found = await readNotification(ctx.store, requestId);
  if (found === null) {
    throw new NotifyError('NOT_FOUND', `No notification with request_id '${requestId}'`);
  }
  return toNotificationView(found);
}
