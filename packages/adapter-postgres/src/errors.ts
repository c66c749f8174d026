import { NotifyError } from '@notify/email-core';

/**
 * Errors that say "the database could not answer now", not "the question was wrong": a later
 * attempt may succeed, so callers (the API's 503, the worker's redelivery) treat them as transient.
 */
const UNAVAILABLE_SQLSTATE_CLASSES = ['08', '53', '57', '58'];
const UNAVAILABLE_SQLSTATES = new Set(['40001', '40P01', '55P03']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
/** pg reports its client-side failures as plain Errors; these are the ones that mean "no connection". */
const CLIENT_FAILURE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'Client was closed',
  'Query read timeout',
];

function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return true;
  }
  // Node wraps several refused addresses (IPv4 + IPv6) in an AggregateError.
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && CLIENT_FAILURE_MESSAGES.some((m) => message.includes(m));
}

/**
 * Turns whatever pg threw into a NotifyError. The driver's message (which may quote SQL or
 * values) travels only as `cause`; callers see the operation and, for server errors, the SQLSTATE.
 */
export function toStoreError(operation: string, error: unknown): NotifyError {
  if (NotifyError.is(error)) return error;
  if (isUnavailable(error)) {
    return new NotifyError(
      'STORE_UNAVAILABLE',
      `PostgreSQL notification store unavailable during ${operation}`,
      {
        cause: error,
      },
    );
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '3D000') {
    // invalid_catalog_name: the URL names a database the server does not have. The server's
    // message names it ('database "x" does not exist'); a name is not a secret, a URL may be.
    const name = /database "([^"]*)" does not exist/.exec(String((error as Error).message))?.[1];
    const which = name === undefined ? 'The PostgreSQL database' : `The PostgreSQL database "${name}"`;
    return new NotifyError(
      'CONFIG_INVALID',
      `${which} does not exist (${operation}): create it, e.g. with notify-migrate --create-database`,
      {
        cause: error,
        details: [{ path: 'DATABASE_URL', message: 'names a database the server does not have' }],
      },
    );
  }
  if (code === '28P01' || code === '28000') {
    // invalid_password / invalid_authorization_specification: the server refused the login.
    return new NotifyError(
      'CONFIG_INVALID',
      `PostgreSQL refused the login (${operation}, SQLSTATE ${code}): check the user and password of DATABASE_URL, and the server's pg_hba.conf`,
      { cause: error, details: [{ path: 'DATABASE_URL', message: 'holds a login the server refuses' }] },
    );
  }
  if (code === '42P01') {
    return new NotifyError(
      'INTERNAL',
      `PostgreSQL notification store not migrated (${operation}): run notify-migrate`,
      { cause: error, retryable: false },
    );
  }
  const sqlstate = typeof code === 'string' ? ` (SQLSTATE ${code})` : '';
  return new NotifyError('INTERNAL', `PostgreSQL notification store failed during ${operation}${sqlstate}`, {
    cause: error,
    retryable: false,
  });
}
