import type { Logger } from '../ports/logger.js';

/** One line a `recordingLogger` took: the level word, the message, the bindings and the fields. */
export type RecordedLine = Record<string, unknown> & {
  level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  message?: string;
};

/** Errors keep their message and stack in a recorded line (JSON.stringify of an Error is `{}`). */
function plain(value: unknown): unknown {
  if (value instanceof Error) {
    const { code } = value as Error & { code?: unknown };
    return {
      type: value.name,
      message: value.message,
      stack: value.stack,
      ...(code === undefined ? {} : { code }),
    };
  }
  return value;
}

/**
 * A Logger (the port) that keeps every line in `lines`, for tests that read what a host or use
 * case logged. Children share the array and add their bindings, as pino's do. The line format of
 * the stock service (timestamps, redaction) is its logger's business, not this double's.
 */
export function recordingLogger(
  lines: RecordedLine[] = [],
  bindings: Record<string, unknown> = {},
): Logger & {
  lines: RecordedLine[];
} {
  const write =
    (level: RecordedLine['level']) =>
    (fields: object, message?: string): void => {
      const line: RecordedLine = { level, ...bindings };
      for (const [key, value] of Object.entries(fields)) line[key] = plain(value);
      if (message !== undefined) line.message = message;
      lines.push(line);
    };
  return {
    lines,
    debug: write('DEBUG'),
    info: write('INFO'),
    warn: write('WARN'),
    error: write('ERROR'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}
