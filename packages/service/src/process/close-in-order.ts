import type { Logger } from '@notify/email-core';

export interface ClosingStep {
  name: string;
  close: () => Promise<void>;
}

/**
 * Runs the steps one after another, in the order given, within `timeoutMs` overall. A step that
 * fails or hangs is logged and skipped so the ones after it still run: a broker that does not
 * answer must not keep the database pool open.
 */
export async function closeInOrder(steps: ClosingStep[], logger: Logger, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const step of steps) {
    // Past the deadline each step still gets a moment, so quick closes (a pool, a file) happen.
    const remaining = Math.max(100, deadline - Date.now());
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), remaining);
    });
    try {
      const result = await Promise.race([step.close().then(() => 'closed' as const), timedOut]);
      if (result === 'timeout') logger.warn({ step: step.name }, `Closing ${step.name} timed out; moving on`);
    } catch (error) {
      logger.warn({ err: error, step: step.name }, `Closing ${step.name} failed; moving on`);
    } finally {
      clearTimeout(timer);
    }
  }
}
