import { z } from 'zod';

/**
 * The field rules of the HTTP contract (docs/api.md), as plain functions so that the accept
 * schema, the list query, the dead-letter inputs and the template sources apply the very same rule
 * (field-schemas.ts turns each into a zod schema).
 * Each `*Problem` function returns a human predicate ("must be …") or undefined when the value is fine.
 */

/** Template codes double as directory names, so this pattern is also the path-traversal guard. */
export const TEMPLATE_CODE_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,127}$/;
export const MAX_USER_ID_LENGTH = 128;
export const MAX_REQUEST_ID_LENGTH = 255;
/** RFC 5321: a forward-path is at most 256 octets including the angle brackets. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_EMAIL_LOCAL_PART_LENGTH = 64;
/** RFC 5322's hard line limit; a longer subject cannot be sent without folding tricks. */
export const MAX_SUBJECT_LENGTH = 998;
export const MAX_NESTING_DEPTH = 32;
export const MAX_METADATA_BYTES = 16 * 1024;

const LINE_BREAK = /[\r\n]/;
const CONTROL = /\p{Cc}/u;
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;
/** A lone UTF-16 surrogate cannot be stored as UTF-8, so an identifier holding one could never be looked up again. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Length in code points, the way PostgreSQL counts `varchar(n)`. */
function charLength(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

export function isValidTemplateCode(value: unknown): value is string {
  return typeof value === 'string' && TEMPLATE_CODE_PATTERN.test(value);
}

export function templateCodeProblem(value: string): string | undefined {
  return TEMPLATE_CODE_PATTERN.test(value)
    ? undefined
    : 'must be 1 to 128 characters of lower-case letters, digits, "_", "." or "-", starting with a letter or digit';
}

/** NotifyError codes are UPPER_SNAKE; anything else can match no stored record. */
export const ERROR_CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

export function errorCodeProblem(value: string): string | undefined {
  return ERROR_CODE_PATTERN.test(value)
    ? undefined
    : 'must be an error code: upper-case letters, digits and "_", e.g. SMTP_PERMANENT';
}

export function userIdProblem(value: string): string | undefined {
  if (value.trim() === '') return 'must not be empty';
  if (charLength(value) > MAX_USER_ID_LENGTH) return `must be at most ${MAX_USER_ID_LENGTH} characters`;
  if (CONTROL.test(value) || LONE_SURROGATE.test(value)) return 'must not contain control characters';
  return undefined;
}

export function requestIdProblem(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (charLength(value) > MAX_REQUEST_ID_LENGTH) return `must be at most ${MAX_REQUEST_ID_LENGTH} characters`;
  if (WHITESPACE_OR_CONTROL.test(value) || LONE_SURROGATE.test(value)) {
    return 'must not contain whitespace or control characters';
  }
  // The id is a path segment of its status URL, and "." or ".." there is a dot segment that URL
  // resolution removes (RFC 3986 5.2.4; percent-encoding does not help, %2E is the same segment).
  if (value === '.' || value === '..') return 'must not be "." or ".." (they cannot be a URL path segment)';
  return undefined;
}

/** The recipient: a bare address (no display name), because it goes into RCPT TO and the To header. */
export function emailProblem(value: string): string | undefined {
  if (LINE_BREAK.test(value)) return 'must not contain line breaks';
  if (value.length > MAX_EMAIL_LENGTH) return `must be at most ${MAX_EMAIL_LENGTH} characters`;
  const at = value.lastIndexOf('@');
  if (at > MAX_EMAIL_LOCAL_PART_LENGTH) {
    return `must have at most ${MAX_EMAIL_LOCAL_PART_LENGTH} characters before the "@"`;
  }
  if (!z.regexes.email.test(value)) return 'must be a valid email address';
  return undefined;
}

/** Values that become a header: a line break would let the client inject headers of its own. */
export function headerValueProblem(value: string, maxLength: number): string | undefined {
  if (LINE_BREAK.test(value)) return 'must not contain line breaks';
  if (CONTROL.test(value.replaceAll('\t', ''))) return 'must not contain control characters';
  if (value.trim() === '') return 'must not be empty';
  if (charLength(value) > maxLength) return `must be at most ${maxLength} characters`;
  return undefined;
}

/**
 * How deep a JSON value nests (a primitive is 0, `{}` is 1), counting only up to `limit + 1`, so
 * a hostile value (or a cycle from a programmatic caller) cannot exhaust the stack.
 */
export function nestingDepth(value: unknown, limit = MAX_NESTING_DEPTH): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (limit < 0) return 1;
  let deepest = 0;
  for (const child of Object.values(value)) {
    const depth = nestingDepth(child, limit - 1);
    if (depth > deepest) deepest = depth;
    if (deepest > limit) break;
  }
  return deepest + 1;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
