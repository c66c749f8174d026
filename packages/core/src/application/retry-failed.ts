import { NotifyError } from '../domain/errors.js';
import { assertTransition } from '../domain/status-machine.js';
import type { EngineContext } from './engine-context.js';
import { toNotificationView } from './notification-view.js';
import { messageFor } from './outbox-relay.js';
import { guardStore, readNotification } from './store-errors.js';
import type { NotificationView } from './views.js';

/**
 * Replays a dead letter: failed → queued with a fresh attempt budget. The history is kept and
 * gains a `replayed` entry. The record is stored unpublished first, so if the publish below fails
 * the recovery loop still sends it; the answer does not depend on the broker.
 */
export async function retryFailed(
  ctx: EngineContext,
  requestId: string,
  correlationId?: string,
): Promise<NotificationView> {
  const found = await readNotification(ctx.store, requestId);
  if (found === null) throw new NotifyError('NOT_FOUND', `No notification with request_id '${requestId}'`);
  if (found.status !== 'failed') throw notReplayable(requestId, found.status);
  assertTransition(found.status, 'queued');
  const now = ctx.clock.now();
  const replayed = await guardStore('update the notification', () =>
    ctx.store.update(
      requestId,
      { status: ['failed'] },
      {
        status: 'queued',
        attempts: 0,
        error: null,
        errorCode: null,
        leaseOwner: null,
        leaseUntil: null,
        publishedAt: null,
        nextAttemptAt: null,
        updatedAt: now,
        appendHistory: { attempt: 0, at: now, outcome: 'replayed' },
      },
    ),
  );
  // Someone replayed it between our read and our write.
  if (replayed === null) throw notReplayable(requestId, 'queued');
  const message = { ...messageFor(replayed), correlationId: correlationId ?? replayed.correlationId };
  try {
    await ctx.queue.publish([message]);
    await ctx.store.markPublished([requestId], ctx.clock.now());
  } catch (error) {
    ctx.logger.warn(
      { err: error, request_id: requestId },
      'Publishing a replayed notification failed; the recovery loop will republish it',
    );
  }
  ctx.logger.info(
    { request_id: requestId, task_id: replayed.id, correlation_id: message.correlationId },
    'Dead letter replayed',
  );
  return toNotificationView(replayed);
}

function notReplayable(requestId: string, status: string): NotifyError {
  return new NotifyError(
    'NOT_REPLAYABLE',
    `Notification '${requestId}' is ${status}; only failed notifications can be retried`,
  );
}
