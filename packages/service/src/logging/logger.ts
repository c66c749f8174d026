import { hostname } from 'node:os';
import pino from 'pino';
import pinoPretty from 'pino-pretty';
import { BatchedDestination } from './batched-destination.js';
import { createRedactor } from './log-redaction.js';

export interface CreateLoggerOptions {
  /** pino level name: `trace`, `debug`, `info`, `warn`, `error`, `fatal` or `silent`. Default `info`. */
  level?: string;
  /** Written as the `logger` field of every line. Default `notify-email`. */
  name?: string;
  /**
   * Replace recipient addresses (`to_email`, `email`, `to`, and any address quoted in free text
   * such as an SMTP reply in an error) with `[REDACTED]`. Default true: addresses are personal
   * data, and logs travel further than the database does.
   */
  redactEmails?: boolean;
  /**
   * Where lines go. Default: stdout, the lines of one event-loop turn written together
   * (`BatchedDestination`, flushed on exit). Tests pass a capturing stream.
   */
  destination?: pino.DestinationStream;
  /**
   * `json` (one object per line, for log stores) or `pretty` (coloured lines for a person at a
   * terminal, through pino-pretty). Default: `pretty` when stdout is a terminal, else `json`.
   */
  format?: 'json' | 'pretty';
}

/** Keys that hold credentials, wherever they appear (at any depth, in bindings too). */
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
  'cookie',
  'x-api-key',
  'set-cookie',
];

const RECIPIENT_KEYS = ['to_email', 'toEmail', 'email', 'to'];

export const REDACTED = '[REDACTED]';

/**
 * An address quoted in free text (an SMTP reply inside an error message, a message string), as it
 * appears in the JSON line. It starts after a character that cannot be part of the address, or
 * right after a JSON escape (`\n`, `\t`, …) so the escape stays intact and the line stays valid
 * JSON; the domain must end in a letter label, so `pino@10.4.0` is not an address.
 */
const ADDRESS_IN_TEXT =
  /(?:(?<=\\[nrtbf])|(?<![\\\w.%+-]))[\w.%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![\w-])/g;

/** Keys a serializer rewrites before writing; their output is redacted by the serializer itself. */
const SERIALIZED_KEYS: ReadonlySet<string> = new Set(['err', 'error']);

/** One stdout destination per process, shared by every logger made without one. */
let stdout: BatchedDestination | undefined;

function stdoutDestination(): BatchedDestination {
  stdout ??= new BatchedDestination({ fd: 1 });
  return stdout;
}

/** Lines for a person: time, level, message, then the fields; written synchronously, so none is lost at exit. */
function prettyDestination(target: pino.DestinationStream | undefined): pino.DestinationStream {
  return pinoPretty({
    destination: target ?? 1,
    sync: true,
    messageKey: 'message',
    timestampKey: 'timestamp',
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    colorize: target === undefined && process.stdout.isTTY === true,
  });
}

/**
 * The service's structured logger: one JSON object per line with `timestamp` (ISO-8601 UTC),
 * `level` as an upper-case word (the predecessor's format, which operators' log queries match on),
 * `logger`, `message`, and whatever ids the caller binds (`correlation_id`, `request_id`, `task_id`).
 */
export function createLogger(options: CreateLoggerOptions = {}): pino.Logger {
  const redactEmails = options.redactEmails ?? true;
  const redact = createRedactor(SECRET_KEYS.concat(redactEmails ? RECIPIENT_KEYS : []), REDACTED);
  const redactError = (value: unknown): unknown => redact(pino.stdSerializers.err(value as Error));
  const name = options.name ?? 'notify-email';
  // `logger` comes from a mixin rather than `base`, so that a child that binds its own `logger`
  // (the engine binds `email-engine`) replaces it instead of writing the key twice: some log
  // stores (Elasticsearch among them) reject a line with a duplicate key. The instance's bindings
  // are already a JSON fragment; a string search there costs far less than `bindings()`, which
  // parses it, and a quoted key inside a bound string value is escaped, so it cannot match.
  const chindings = pino.symbols.chindingsSym;
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? 'info',
    messageKey: 'message',
    base: { pid: process.pid, hostname: hostname() },
    mixin: (_object, _level, instance) =>
      (instance as unknown as Record<symbol, string>)[chindings]?.includes(',"logger":')
        ? {}
        : { logger: name },
    timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
    formatters: {
      level: (label) => ({ level: label.toUpperCase() }),
      // Redaction of the logged object, once per line (bindings: once per child, below).
      log: (object) => redact(object, SERIALIZED_KEYS) as Record<string, unknown>,
    },
    serializers: { err: redactError, error: redactError },
  };
  if (redactEmails) {
    // Most lines hold no `@` at all; the search for one is far cheaper than the expression.
    pinoOptions.hooks = {
      streamWrite: (line) => (line.includes('@') ? line.replace(ADDRESS_IN_TEXT, REDACTED) : line),
    };
  }
  const format = options.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format === 'pretty') {
    // pino-pretty names and colours pino's numeric levels itself; the upper-case word is for JSON.
    delete pinoOptions.formatters?.level;
  }
  const destination =
    format === 'pretty'
      ? prettyDestination(options.destination)
      : (options.destination ?? stdoutDestination());
  const logger = pino(pinoOptions, destination);
  // pino applies `formatters.bindings` to the root's base only, not to a child's bindings; every
  // child is created from its parent with Object.create, so this own `child` of the root is the
  // `child` of every descendant, and each one's bindings are redacted once, when it is made.
  const child = logger.child;
  logger.child = function redactedChild(this: pino.Logger, bindings, childOptions) {
    return child.call(this, redact(bindings) as pino.Bindings, childOptions);
  } as typeof logger.child;
  const setBindings = logger.setBindings;
  logger.setBindings = function redactedSetBindings(this: pino.Logger, bindings: pino.Bindings) {
    setBindings.call(this, redact(bindings) as pino.Bindings);
  };
  return logger;
}
