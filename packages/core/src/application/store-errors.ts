import { NotifyError } from '../domain/errors.js';

/**
 * Runs a store call and turns any failure into STORE_UNAVAILABLE (503 at the API), keeping the
 * original as `cause` for the logs: a client must never see a driver's message.
 */
export async function guardStore<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (NotifyError.is(error) && error.code === 'STORE_UNAVAILABLE') throw error;
    throw new NotifyError('STORE_UNAVAILABLE', `The notification store could not ${operation}`, {
      cause: error,
    });
  }
}
