/**
 * What sort of failure an error is, in the domain's words. Hosts choose their own answer from the
 * code (host-koa maps each code to an HTTP status, the CLIs to an exit code); the core decides
 * by kind, e.g. whether a message written for the caller may be shown as it is.
 */
export type ErrorKind =
  /** The caller's input is wrong: fixing the request fixes it. */
  | 'invalid_input'
  | 'not_found'
  /** The request is well-formed, but the state of the record forbids it. */
  | 'conflict'
  | 'unauthorized'
  | 'rate_limited'
  /** A dependency is down or slow: the same request may succeed later. */
  | 'unavailable'
  /** A downstream system refused for good (an SMTP 5xx, retries used up). */
  | 'rejected'
  /** A bug or a misconfiguration of this service. */
  | 'internal';

/** Kinds whose message is written for the caller and may be shown as it is. */
const CALLER_KINDS: ReadonlySet<ErrorKind> = new Set([
  'invalid_input',
  'not_found',
  'conflict',
  'unauthorized',
  'rate_limited',
]);

/**
 * One error base for the whole engine. `code` is UPPER_SNAKE from the table below, each with its
 * kind and whether a later attempt may succeed (`retryable`, which tells the worker to retry).
 * `NotifyError.is()` works across duplicate installs, where `instanceof` does not.
 */
export const ERROR_CODES = {
  // API / input
  VALIDATION_FAILED: { kind: 'invalid_input', retryable: false },
  UNSUPPORTED_NOTIFICATION_TYPE: { kind: 'invalid_input', retryable: false },
  IDEMPOTENCY_KEY_REUSED: { kind: 'conflict', retryable: false },
  MALFORMED_JSON: { kind: 'invalid_input', retryable: false },
  MALFORMED_REQUEST: { kind: 'invalid_input', retryable: false },
  HEADERS_TOO_LARGE: { kind: 'invalid_input', retryable: false },
  REQUEST_TIMEOUT: { kind: 'invalid_input', retryable: true },
  UNSUPPORTED_MEDIA_TYPE: { kind: 'invalid_input', retryable: false },
  PAYLOAD_TOO_LARGE: { kind: 'invalid_input', retryable: false },
  NOT_FOUND: { kind: 'not_found', retryable: false },
  METHOD_NOT_ALLOWED: { kind: 'invalid_input', retryable: false },
  UNAUTHORIZED: { kind: 'unauthorized', retryable: false },
  RATE_LIMITED: { kind: 'rate_limited', retryable: true },
  UNAVAILABLE: { kind: 'unavailable', retryable: true },
  INTERNAL: { kind: 'internal', retryable: true },
  CONFIG_INVALID: { kind: 'internal', retryable: false },
  ILLEGAL_TRANSITION: { kind: 'conflict', retryable: false },
  NOT_REPLAYABLE: { kind: 'conflict', retryable: false },
  WEBHOOK_URL_FORBIDDEN: { kind: 'invalid_input', retryable: false },
  // delivery
  TEMPLATE_NOT_FOUND: { kind: 'invalid_input', retryable: false },
  TEMPLATE_INVALID: { kind: 'invalid_input', retryable: false },
  TEMPLATE_VARIABLE_MISSING: { kind: 'invalid_input', retryable: false },
  TEMPLATE_SOURCE_UNAVAILABLE: { kind: 'unavailable', retryable: true },
  SMTP_PERMANENT: { kind: 'rejected', retryable: false },
  SMTP_TRANSIENT: { kind: 'unavailable', retryable: true },
  SMTP_TIMEOUT: { kind: 'unavailable', retryable: true },
  CIRCUIT_OPEN: { kind: 'unavailable', retryable: true },
  RETRIES_EXHAUSTED: { kind: 'rejected', retryable: false },
  STORE_UNAVAILABLE: { kind: 'unavailable', retryable: true },
  QUEUE_UNAVAILABLE: { kind: 'unavailable', retryable: true },
  MALFORMED_MESSAGE: { kind: 'invalid_input', retryable: false },
  UNKNOWN_NOTIFICATION: { kind: 'not_found', retryable: false },
} as const satisfies Record<string, { kind: ErrorKind; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `variables.email`. */
  path: string;
  message: string;
}

export interface NotifyErrorOptions {
  /** Overrides the code's default. */
  retryable?: boolean;
  cause?: unknown;
  details?: ErrorDetail[];
  /** E.g. the SMTP reply code, or the HTTP status of a dependency. */
  responseCode?: number;
  /** Milliseconds after which a retry makes sense (rate limits, open breakers). */
  retryAfterMs?: number;
}

const BRAND = Symbol.for('@notify/email-core/NotifyError');

export class NotifyError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: ErrorDetail[] | undefined;
  readonly responseCode: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, options: NotifyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NotifyError';
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.details = options.details;
    this.responseCode = options.responseCode;
    this.retryAfterMs = options.retryAfterMs;
  }

  get kind(): ErrorKind {
    return ERROR_CODES[this.code].kind;
  }

  /** True when the message was written for the caller (bad input, not found, ...), not about internals. */
  get forCaller(): boolean {
    return CALLER_KINDS.has(this.kind);
  }

  static is(value: unknown): value is NotifyError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
