import { hostname } from 'node:os';
import pino from 'pino';

export interface CreateLoggerOptions {
  /** pino level name: `trace`, `debug`, `info`, `warn`, `error`, `fatal` or `silent`. Default `info`. */
  level?: string;
  /** Written as the `logger` field of every line. Default `notify-email`. */
  name?: string;
  /**
   * Replace recipient addresses (`to_email`, `email`, `to`) with `[REDACTED]`. Default true:
   * addresses are personal data, and logs travel further than the database does.
   */
  redactEmails?: boolean;
  /** Where lines go; default stdout. Tests pass a capturing stream. */
  destination?: pino.DestinationStream;
}

/** Keys that hold credentials, wherever they appear (top level, one or two objects down). */
const SECRET_KEYS = [
  'password',
  'pass',
  'secret',
  'token',
  'apiKey',
  'api_key',
  'apiKeys',
  'api_keys',
  'authorization',
  'Authorization',
  'cookie',
  '"x-api-key"',
  '"set-cookie"',
];

const RECIPIENT_KEYS = ['to_email', 'toEmail', 'email', 'to'];

export const REDACTED = '[REDACTED]';

/** Paths for pino's redaction: the key itself, and the same key nested one or two levels deep. */
function pathsFor(keys: string[]): string[] {
  return keys.flatMap((key) => {
    const access = key.startsWith('"') ? `[${key}]` : `.${key}`;
    return [key.startsWith('"') ? `[${key}]` : key, `*${access}`, `*.*${access}`];
  });
}

/**
 * The service's structured logger: one JSON object per line with `timestamp` (ISO-8601 UTC),
 * `level` as an upper-case word (the predecessor's format, which operators' log queries match on),
 * `logger`, `message`, and whatever ids the caller binds (`correlation_id`, `request_id`, `task_id`).
 */
export function createLogger(options: CreateLoggerOptions = {}): pino.Logger {
  const redactEmails = options.redactEmails ?? true;
  const paths = pathsFor(SECRET_KEYS).concat(redactEmails ? pathsFor(RECIPIENT_KEYS) : []);
  const name = options.name ?? 'notify-email';
  // `logger` comes from a mixin rather than `base`, so that a child that binds its own `logger`
  // (the engine binds `email-engine`) replaces it instead of writing the key twice: some log
  // stores (Elasticsearch among them) reject a line with a duplicate key.
  const ownName = new WeakMap<object, boolean>();
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? 'info',
    messageKey: 'message',
    base: { pid: process.pid, hostname: hostname() },
    mixin: (_object, _level, instance) => {
      let named = ownName.get(instance);
      if (named === undefined) {
        named = 'logger' in instance.bindings();
        ownName.set(instance, named);
      }
      return named ? {} : { logger: name };
    },
    timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
    formatters: {
      level: (label) => ({ level: label.toUpperCase() }),
    },
    redact: { paths, censor: REDACTED },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
