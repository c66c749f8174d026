/**
 * One error base for the whole engine. `code` is UPPER_SNAKE from the table below;
 * `retryable` tells the worker whether a later attempt may succeed.
 * `NotifyError.is()` works across duplicate installs, where `instanceof` does not.
 */
export const ERROR_CODES = {
  // API / input
  VALIDATION_FAILED: { status: 422, retryable: false },
  UNSUPPORTED_NOTIFICATION_TYPE: { status: 422, retryable: false },
  IDEMPOTENCY_KEY_REUSED: { status: 422, retryable: false },
  MALFORMED_JSON: { status: 400, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  METHOD_NOT_ALLOWED: { status: 405, retryable: false },
  UNAUTHORIZED: { status: 401, retryable: false },
  RATE_LIMITED: { status: 429, retryable: true },
  UNAVAILABLE: { status: 503, retryable: true },
  INTERNAL: { status: 500, retryable: true },
  CONFIG_INVALID: { status: 500, retryable: false },
  ILLEGAL_TRANSITION: { status: 409, retryable: false },
  NOT_REPLAYABLE: { status: 409, retryable: false },
  // delivery
  TEMPLATE_NOT_FOUND: { status: 422, retryable: false },
  TEMPLATE_INVALID: { status: 422, retryable: false },
  TEMPLATE_VARIABLE_MISSING: { status: 422, retryable: false },
  TEMPLATE_SOURCE_UNAVAILABLE: { status: 503, retryable: true },
  SMTP_PERMANENT: { status: 502, retryable: false },
  SMTP_TRANSIENT: { status: 503, retryable: true },
  SMTP_TIMEOUT: { status: 504, retryable: true },
  CIRCUIT_OPEN: { status: 503, retryable: true },
  RETRIES_EXHAUSTED: { status: 502, retryable: false },
  STORE_UNAVAILABLE: { status: 503, retryable: true },
  QUEUE_UNAVAILABLE: { status: 503, retryable: true },
  MALFORMED_MESSAGE: { status: 422, retryable: false },
  UNKNOWN_NOTIFICATION: { status: 404, retryable: false },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

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

  /** The HTTP status this error maps to when it reaches a client. */
  get httpStatus(): number {
    return ERROR_CODES[this.code].status;
  }

  static is(value: unknown): value is NotifyError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
