/**
 * The error a call must throw, typed, for tests that then check its code and details. `is`
 * recognises it (`NotifyError.is`): test-support cannot import the core itself, it sits outside
 * every package. Any other error is rethrown as it is, and a call that does not fail fails the test.
 */

export function thrownBy<E>(run: () => unknown, is: (value: unknown) => value is E): E {
  try {
    run();
  } catch (error) {
    if (is(error)) return error;
    throw error;
  }
  throw new Error('expected an error, nothing was thrown');
}

export async function rejectionBy<E>(
  promise: Promise<unknown>,
  is: (value: unknown) => value is E,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (is(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection, the promise resolved');
}
