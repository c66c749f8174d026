import { type ErrorCode, NotifyError } from './errors.js';

/** Which codes a transient or timed-out failure becomes; the mail path is the default. */
export interface ClassifyContext {
  /** Code for network failures and other transient errors (default SMTP_TRANSIENT). */
  transientCode?: ErrorCode;
  /** Code for timeouts (default SMTP_TIMEOUT). */
  timeoutCode?: ErrorCode;
}

/** Socket-level failures: the peer may well answer next time. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  // nodemailer's own codes for connection-level trouble
  'ESOCKET',
  'ECONNECTION',
  'EDNS',
  'ETLS',
  // undici (fetch)
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  // opossum: at capacity; a later try will find a free slot
  'ESEMLOCKED',
]);

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ETIME',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Turns anything thrown into a NotifyError, deciding whether a later attempt may succeed.
 * - A NotifyError passes through untouched (adapters already know best).
 * - opossum's open-circuit rejection (`EOPENBREAKER`) → CIRCUIT_OPEN, retryable.
 * - Timeouts (opossum's `ETIMEDOUT`, socket timeouts, AbortSignal.timeout) → the timeout code.
 * - Network errors (ECONNREFUSED, ECONNRESET, EPIPE, ENOTFOUND, EAI_AGAIN, ESOCKET, …) → the
 *   transient code, retryable. `fetch` wraps these in `cause`, so the cause chain is searched.
 * - An error carrying an SMTP `responseCode` (raw nodemailer): 4xx → SMTP_TRANSIENT,
 *   5xx → SMTP_PERMANENT.
 * - Anything else → INTERNAL, **retryable**. An unrecognised error is most likely a bug or an
 *   adapter that forgot to classify; retrying within the bounded budget costs a few minutes,
 *   while calling it permanent would fail mail that might have gone out. After the budget it
 *   ends `failed` and dead-lettered like any other exhausted message.
 */
export function classifyError(error: unknown, context: ClassifyContext = {}): NotifyError {
  if (NotifyError.is(error)) return error;
  const transientCode = context.transientCode ?? 'SMTP_TRANSIENT';
  const timeoutCode = context.timeoutCode ?? 'SMTP_TIMEOUT';
  const message = describe(error);

  const responseCode = numericField(error, 'responseCode');
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 600) {
    const permanent = responseCode >= 500;
    return new NotifyError(permanent ? 'SMTP_PERMANENT' : 'SMTP_TRANSIENT', message, {
      cause: error,
      responseCode,
    });
  }

  for (const link of causeChain(error)) {
    const code = stringField(link, 'code');
    const name = stringField(link, 'name');
    if (code === 'EOPENBREAKER') {
      return new NotifyError('CIRCUIT_OPEN', 'The SMTP circuit breaker is open', { cause: error });
    }
    if ((code !== undefined && TIMEOUT_CODES.has(code)) || name === 'TimeoutError') {
      return new NotifyError(timeoutCode, message, { cause: error, retryable: true });
    }
    if (code !== undefined && NETWORK_CODES.has(code)) {
      return new NotifyError(transientCode, message, { cause: error, retryable: true });
    }
  }
  return new NotifyError('INTERNAL', message, { cause: error, retryable: true });
}

/** The error and its `cause`s, outermost first (bounded: causes can be cyclic). */
function* causeChain(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  return 'Unexpected error';
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

function numericField(value: unknown, key: string): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'number' && Number.isInteger(field) ? field : undefined;
}
