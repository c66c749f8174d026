import { type Logger, NotifyError } from '@notify/email-core';

export interface ShutdownOptions {
  logger: Logger;
  /**
   * The shutdown's budget (SHUTDOWN_TIMEOUT_MS): the steps share it. Past it, and a short grace
   * for the last log lines, the process exits with code 1 even if something still hangs, so an
   * orchestrator's SIGKILL is never needed.
   */
  timeoutMs: number;
}

/** Past the budget, how long the steps' own timeouts get to fire and log before the exit is forced. */
const SHUTDOWN_GRACE_MS = 2000;

/**
 * Runs `shutdown` on the first SIGTERM or SIGINT, then exits 0 (1 when shutdown failed or took
 * longer than `timeoutMs`). A second signal exits at once: the operator asked twice.
 */
export function onShutdownSignal(
  shutdown: (signal: NodeJS.Signals) => Promise<void>,
  options: ShutdownOptions,
): void {
  const { logger, timeoutMs } = options;
  let started = false;
  const handle = (signal: NodeJS.Signals) => {
    if (started) {
      logger.warn({ signal }, 'Second signal during shutdown; exiting now');
      process.exit(1);
    }
    started = true;
    logger.info({ signal, timeout_ms: timeoutMs }, 'Shutting down');
    const force = setTimeout(() => {
      logger.error({ timeout_ms: timeoutMs }, 'Shutdown did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs + SHUTDOWN_GRACE_MS);
    force.unref();
    shutdown(signal).then(
      () => {
        clearTimeout(force);
        logger.info({}, 'Shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        clearTimeout(force);
        logger.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a second signal must still reach `handle`, not Node's default handler.
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

/**
 * Reports a failure before the process was up and sets exit code 1. An invalid configuration is
 * printed as its one message (it names every bad variable and holds no secret values); anything
 * else is logged in full when a logger exists.
 */
export function reportStartupFailure(error: unknown, logger?: Logger): void {
  if (NotifyError.is(error) && error.code === 'CONFIG_INVALID') {
    process.stderr.write(`${error.message}\n`);
  } else if (logger) {
    logger.error({ err: error }, 'Start-up failed');
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Start-up failed: ${message}\n`);
  }
  process.exitCode = 1;
}
