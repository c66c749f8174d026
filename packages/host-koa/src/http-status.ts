import type { ErrorCode } from '@notify/email-core';

/**
 * The HTTP status of each error code, chosen here at the HTTP edge (the domain knows codes and
 * kinds, not HTTP). `satisfies` makes a code added to the core a compile error until it has a
 * status. Delivery codes rarely reach a client; they are mapped for the day one does.
 */
export const HTTP_STATUS = {
  VALIDATION_FAILED: 422,
  UNSUPPORTED_NOTIFICATION_TYPE: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  MALFORMED_JSON: 400,
  MALFORMED_REQUEST: 400,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNAUTHORIZED: 401,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  CONFIG_INVALID: 500,
  ILLEGAL_TRANSITION: 409,
  NOT_REPLAYABLE: 409,
  WEBHOOK_URL_FORBIDDEN: 422,
  TEMPLATE_NOT_FOUND: 422,
  TEMPLATE_INVALID: 422,
  TEMPLATE_VARIABLE_MISSING: 422,
  TEMPLATE_SOURCE_UNAVAILABLE: 503,
  SMTP_PERMANENT: 502,
  SMTP_TRANSIENT: 503,
  SMTP_TIMEOUT: 504,
  CIRCUIT_OPEN: 503,
  RETRIES_EXHAUSTED: 502,
  STORE_UNAVAILABLE: 503,
  QUEUE_UNAVAILABLE: 503,
  MALFORMED_MESSAGE: 422,
  UNKNOWN_NOTIFICATION: 404,
} as const satisfies Record<ErrorCode, number>;

/** The status an error code answers with; 500 for a code this table does not know. */
export function httpStatusOf(code: string): number {
  return (HTTP_STATUS as Record<string, number>)[code] ?? 500;
}
