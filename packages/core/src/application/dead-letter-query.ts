import type { ErrorDetail } from '../domain/errors.js';
import { NotifyError } from '../domain/errors.js';
import { templateCodeProblem, userIdProblem } from '../validation/field-rules.js';
import { parseListQuery } from '../validation/list-query.js';
import { onePerField, validationFailed } from '../validation/validation-details.js';

/** Raw query values of the dead-letter list (strings from a query string; validated here). */
export interface DeadLetterListQuery {
  user_id?: unknown;
  template_code?: unknown;
  error_code?: unknown;
  limit?: unknown;
  page?: unknown;
}

/** Which dead letters a bulk replay takes; every field optional, all given must match. */
export interface DeadLetterFilter {
  user_id?: unknown;
  template_code?: unknown;
  error_code?: unknown;
}

/** The body of a bulk replay: `{ filter?, limit? }`, validated by the use case. */
export interface BulkReplayCommand {
  filter?: DeadLetterFilter | null | undefined;
  limit?: unknown;
}

/** A validated filter, in the store's terms. */
export interface ParsedDeadLetterFilter {
  userId?: string;
  templateCode?: string;
  errorCode?: string;
}

export interface ParsedDeadLetterQuery extends ParsedDeadLetterFilter {
  limit: number;
  page: number;
}

export interface ParsedBulkReplay {
  filter: ParsedDeadLetterFilter;
  limit: number;
}

/** NotifyError codes are UPPER_SNAKE; anything else can match no stored record. */
const ERROR_CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;
export const DEFAULT_BULK_REPLAY_LIMIT = 100;
/** One call replays at most this many; more is a loop of calls, each one bounded and reported. */
export const MAX_BULK_REPLAY_LIMIT = 1000;

const QUERY_ORDER = ['user_id', 'template_code', 'error_code', 'limit', 'page'] as const;
const FILTER_KEYS = ['user_id', 'template_code', 'error_code'] as const;
const BODY_KEYS = ['filter', 'limit'] as const;

function errorCodeProblem(value: string): string | undefined {
  return ERROR_CODE_PATTERN.test(value)
    ? undefined
    : 'must be an error code: upper-case letters, digits and "_", e.g. SMTP_PERMANENT';
}

/**
 * Validates the query of GET /api/v1/dead-letters/: the list query's rules for user_id,
 * template_code, limit and page, plus error_code. Throws VALIDATION_FAILED with one detail per bad
 * parameter.
 */
export function parseDeadLetterQuery(query: DeadLetterListQuery): ParsedDeadLetterQuery {
  const details: ErrorDetail[] = [];
  let parsed: ParsedDeadLetterQuery = { limit: 0, page: 0 };
  try {
    const { userId, templateCode, limit, page } = parseListQuery({
      user_id: query?.user_id,
      template_code: query?.template_code,
      limit: query?.limit,
      page: query?.page,
    });
    parsed = { limit, page };
    if (userId !== undefined) parsed.userId = userId;
    if (templateCode !== undefined) parsed.templateCode = templateCode;
  } catch (error) {
    if (!NotifyError.is(error) || error.details === undefined) throw error;
    details.push(...error.details);
  }
  const errorCode = query?.error_code;
  if (errorCode !== undefined && errorCode !== null && errorCode !== '') {
    if (typeof errorCode !== 'string') {
      details.push({
        path: 'error_code',
        message: Array.isArray(errorCode) ? 'error_code must be given once' : 'error_code must be a string',
      });
    } else {
      const problem = errorCodeProblem(errorCode);
      if (problem) details.push({ path: 'error_code', message: `error_code ${problem}` });
      else parsed.errorCode = errorCode;
    }
  }
  if (details.length > 0) throw validationFailed(onePerField(details, QUERY_ORDER), 'query');
  return parsed;
}

/**
 * Validates a bulk replay. Unknown keys are refused rather than ignored: a misspelt filter
 * (`userId` for `user_id`) would otherwise widen the replay to every dead letter.
 */
export function parseBulkReplay(command: unknown): ParsedBulkReplay {
  const details: ErrorDetail[] = [];
  const result: ParsedBulkReplay = { filter: {}, limit: DEFAULT_BULK_REPLAY_LIMIT };
  if (command === undefined || command === null) return result;
  if (!isPlainObject(command)) {
    throw validationFailed([{ path: 'body', message: 'body must be a JSON object: { filter?, limit? }' }]);
  }
  for (const key of Object.keys(command)) {
    if (!(BODY_KEYS as readonly string[]).includes(key)) {
      details.push({ path: key, message: `${key} is not a field here; expected filter and limit` });
    }
  }
  const { filter, limit } = command as BulkReplayCommand;
  if (limit !== undefined && limit !== null) {
    if (
      typeof limit === 'number' &&
      Number.isInteger(limit) &&
      limit >= 1 &&
      limit <= MAX_BULK_REPLAY_LIMIT
    ) {
      result.limit = limit;
    } else {
      details.push({ path: 'limit', message: `limit must be an integer from 1 to ${MAX_BULK_REPLAY_LIMIT}` });
    }
  }
  if (filter !== undefined && filter !== null) {
    if (!isPlainObject(filter)) {
      details.push({
        path: 'filter',
        message: 'filter must be an object with user_id, template_code, error_code',
      });
    } else {
      result.filter = parseFilter(filter, details);
    }
  }
  if (details.length > 0) throw validationFailed(onePerField(details, [...BODY_KEYS]));
  return result;
}

function parseFilter(filter: Record<string, unknown>, details: ErrorDetail[]): ParsedDeadLetterFilter {
  const parsed: ParsedDeadLetterFilter = {};
  const rules = {
    user_id: { problem: userIdProblem, set: (v: string) => (parsed.userId = v) },
    template_code: { problem: templateCodeProblem, set: (v: string) => (parsed.templateCode = v) },
    error_code: { problem: errorCodeProblem, set: (v: string) => (parsed.errorCode = v) },
  } as const;
  for (const [key, value] of Object.entries(filter)) {
    const path = `filter.${key}`;
    if (!(FILTER_KEYS as readonly string[]).includes(key)) {
      details.push({ path, message: `${path} is not a filter; use ${FILTER_KEYS.join(', ')}` });
      continue;
    }
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      details.push({ path, message: `${path} must be a string` });
      continue;
    }
    const rule = rules[key as keyof typeof rules];
    const problem = rule.problem(value);
    if (problem) details.push({ path, message: `${path} ${problem}` });
    else rule.set(value);
  }
  return parsed;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
