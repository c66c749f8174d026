import { parseListQuery } from '../validation/index.js';
import type { EngineContext } from './engine-context.js';
import { toNotificationView } from './notification-view.js';
import { guardStore } from './store-errors.js';
import { type ListOutput, type ListQuery, pageMeta } from './views.js';

/**
 * A page of notifications, newest first. `status=pending` means queued or retrying (mapped by
 * parseListQuery); a page past the end is an empty page, not an error.
 */
export async function listNotifications(ctx: EngineContext, query: ListQuery): Promise<ListOutput> {
  const { limit, page, ...filter } = parseListQuery(query);
  const result = await guardStore('list notifications', () =>
    ctx.store.list(filter, { limit, offset: (page - 1) * limit }),
  );
  return { items: result.items.map(toNotificationView), meta: pageMeta(result.total, limit, page) };
}
