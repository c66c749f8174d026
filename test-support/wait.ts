/**
 * Waiting in tests: for a condition to hold, for a value to appear, or for a promise within a
 * bound. Every wait has a deadline and says what it waited for when it runs out, so a hung
 * test fails with a reason instead of at the runner's timeout.
 */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every `everyMs` until it returns true; throws naming `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'the condition',
  everyMs = 20,
): Promise<void> {
  await waitFor(async () => ((await check()) ? true : undefined), timeoutMs, what, everyMs);
}

/**
 * Polls `probe` every `everyMs` until it returns something other than `undefined`, and resolves
 * with that; throws naming `what` after `timeoutMs`. An error `probe` throws ends the wait.
 */
export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5_000,
  what = 'a value',
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** What `promise` resolved with, or `'timed out'` when it took longer than `ms`. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), ms);
  });
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}
