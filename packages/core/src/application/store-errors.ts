import { NotifyError } from '../domain/errors.js';
import type { Notification } from '../domain/notification.js';
import type { NotificationStore } from '../ports/notification-store.js';
import { requestIdProblem } from '../validation/field-rules.js';

/**
 * Runs a store call and turns a failure a later attempt may get past into STORE_UNAVAILABLE (503
 * with Retry-After at the API), keeping the original as `cause` for the logs: a client must never
 * see a driver's message. A store error that is not retryable (the store refused this very request,
 * or is misconfigured) passes as it is: telling the client to retry it would be a lie.
 */
export async function guardStore<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (NotifyError.is(error) && (error.code === 'STORE_UNAVAILABLE' || !error.retryable)) throw error;
    throw new NotifyError('STORE_UNAVAILABLE', `The notification store could not ${operation}`, {
      cause: error,
    });
  }
}

/**
 * The record of `requestId`, or null. An id no request could have had (a NUL or an unpaired
 * surrogate, say, which PostgreSQL refuses outright) is not asked for: it is simply not found, the
 * same answer in every mode, never a store error.
 */
export function readNotification(store: NotificationStore, requestId: string): Promise<Notification | null> {
  if (requestIdProblem(requestId) !== undefined) return Promise.resolve(null);
  return guardStore('read the notification', () => store.getByRequestId(requestId));
}
