import { NotifyError } from '@notify/email-core';
import { type Envelope, failure } from './envelope.js';
import { httpStatusOf } from './http-status.js';

/** What a thrown error becomes on the wire. */
export interface ErrorResponse {
  status: number;
  body: Envelope<null, null>;
  headers: Record<string, string>;
  /** True when the client got a generic message and the real error must be logged. */
  internal: boolean;
}

/** A dependency outage: the client should come back later, and is told when. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

function retryAfterSeconds(error: NotifyError): string {
  const ms = error.retryAfterMs;
  return String(ms === undefined ? DEFAULT_RETRY_AFTER_SECONDS : Math.max(1, Math.ceil(ms / 1000)));
}

/**
 * Maps anything thrown below the HTTP layer to a status and an envelope.
 * A NotifyError with a 4xx status is the client's problem and its message and details are meant for
 * them (validation messages, not internals). Everything 5xx is reduced to a generic message: a 503-class
 * error (store down, breaker open, ...) is UNAVAILABLE with Retry-After, the rest is INTERNAL.
 */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (NotifyError.is(error)) {
    const status = httpStatusOf(error.code);
    if (error.code === 'RATE_LIMITED') {
      return {
        status,
        body: failure(error.code, error.message),
        headers: { 'Retry-After': retryAfterSeconds(error) },
        internal: false,
      };
    }
    if (status < 500) {
      return {
        status,
        body: failure(error.code, error.message, error.details),
        headers: {},
        internal: false,
      };
    }
    if (status === 503) {
      return {
        status: 503,
        body: failure(
          'UNAVAILABLE',
          'The service is temporarily unavailable; nothing was changed. Try again later.',
        ),
        headers: { 'Retry-After': retryAfterSeconds(error) },
        internal: true,
      };
    }
  }
  return {
    status: 500,
    body: failure('INTERNAL', 'An internal error occurred. It has been logged.'),
    headers: {},
    internal: true,
  };
}
