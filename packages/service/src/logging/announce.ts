import type pino from 'pino';

/**
 * A line a person starting the process must see whatever LOG_LEVEL says (where it listens, where
 * the .eml files go, that a worker is ready): logged at info when info is on, else written to
 * stderr as plain text, so stdout keeps holding only log lines.
 */
export function announce(logger: pino.Logger, fields: Record<string, unknown>, message: string): void {
  if (logger.isLevelEnabled('info')) logger.info(fields, message);
  else process.stderr.write(`${message}\n`);
}
