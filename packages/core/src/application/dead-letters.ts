import { NotifyError } from '../domain/errors.js';
import { type DeadLetterListQuery, parseDeadLetterQuery } from './dead-letter-query.js';
import {
  type DeadLetterDetailView,
  type DeadLetterListOutput,
  type NotificationHistoryView,
  toAttemptView,
  toDeadLetterDetailView,
  toDeadLetterView,
} from './dead-letter-views.js';
import type { EngineContext } from './engine-context.js';
import { retryFailed } from './retry-failed.js';
import { guardStore, readNotification } from './store-errors.js';
import { pageMeta } from './views.js';

/**
 * Dead letters are the notifications whose status is `failed`. The store is their source of truth
 * (queryable, durable, replayable); `failed.queue` carries the same events for consumers outside
 * the service, but is never read back here.
 */

/** A page of dead letters, newest failure first. */
export async function listDeadLetters(
  ctx: EngineContext,
  query: DeadLetterListQuery,
): Promise<DeadLetterListOutput> {
  const { limit, page, ...filter } = parseDeadLetterQuery(query);
  const result = await guardStore('list dead letters', () =>
    ctx.store.list(
      { ...filter, statuses: ['failed'] },
      { limit, offset: (page - 1) * limit, sortBy: 'updatedAt' },
    ),
  );
  return { items: result.items.map(toDeadLetterView), meta: pageMeta(result.total, limit, page) };
}

/** One dead letter with its whole history; NOT_FOUND when unknown or not `failed`. */
export async function getDeadLetter(ctx: EngineContext, requestId: string): Promise<DeadLetterDetailView> {
  const found = await readNotification(ctx.store, requestId);
  if (found === null) throw new NotifyError('NOT_FOUND', `No dead letter with request_id '${requestId}'`);
  if (found.status !== 'failed') {
    throw new NotifyError(
      'NOT_FOUND',
      `Notification '${requestId}' is not a dead letter: its status is ${found.status}`,
    );
  }
  return toDeadLetterDetailView(found);
}

/**
 * Replays one dead letter: `retryFailed` (a fresh attempt budget, the history kept with a
 * `replayed` entry, published now or by the recovery loop). NOT_FOUND when unknown,
 * NOT_REPLAYABLE when not `failed`. Answers with the record as the replay left it.
 */
export async function replayDeadLetter(
  ctx: EngineContext,
  requestId: string,
  correlationId?: string,
): Promise<NotificationHistoryView> {
  // Read first for the history: a failed record changes only through a replay, and a concurrent
  // replay makes retryFailed refuse, so what is read here is exactly what the replay extends.
  const before = await readNotification(ctx.store, requestId);
  if (before === null) throw new NotifyError('NOT_FOUND', `No notification with request_id '${requestId}'`);
  const view = await retryFailed(ctx, requestId, correlationId);
  return {
    ...view,
    error_code: null,
    correlation_id: before.correlationId,
    history: [
      ...before.history.map(toAttemptView),
      // The entry retryFailed appended, stamped with the instant it also wrote as updated_at.
      { attempt: 0, at: view.updated_at, outcome: 'replayed', error_code: null, error: null },
    ],
  };
}
