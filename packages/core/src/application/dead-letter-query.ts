import { z } from 'zod';
import type { ErrorDetail } from '../domain/errors.js';
import { errorCodeSchema } from '../validation/field-schemas.js';
import { listQuerySchema } from '../validation/list-query.js';
import { pagingInteger, queryInteger, queryValue } from '../validation/parameter-checks.js';
import { issueDetails, onePerField, validationFailed } from '../validation/validation-details.js';

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

export const DEFAULT_BULK_REPLAY_LIMIT = 100;
/** One call replays at most this many; more is a loop of calls, each one bounded and reported. */
export const MAX_BULK_REPLAY_LIMIT = 1000;

/**
 * The query parameters of GET /api/v1/dead-letters/: the list query's user_id, template_code,
 * limit and page, plus error_code. `parseDeadLetterQuery` checks a query with it; the OpenAPI
 * document's parameters are generated from it (docs/openapi.md).
 */
export const deadLetterQuerySchema = z.object({
  user_id: listQuerySchema.shape.user_id,
  template_code: listQuerySchema.shape.template_code,
  error_code: errorCodeSchema
    .describe('Only dead letters that failed with this code, e.g. `SMTP_PERMANENT`.')
    .optional(),
  limit: listQuerySchema.shape.limit,
  page: listQuerySchema.shape.page,
});

/** Which dead letters a bulk replay takes; each field is checked with its schema here. */
export const deadLetterFilterSchema = z
  .strictObject({
    user_id: listQuerySchema.shape.user_id,
    template_code: listQuerySchema.shape.template_code,
    error_code: errorCodeSchema.describe('Only dead letters that failed with this code.').optional(),
  })
  .describe('All given fields must match; unknown fields are refused (422), never ignored.');

/**
 * The body of POST /api/v1/dead-letters/replay/, as `parseBulkReplay` checks it (its messages
 * name each refused key) and as the OpenAPI document shows it (docs/openapi.md).
 */
export const bulkReplaySchema = z.strictObject({
  filter: deadLetterFilterSchema.optional(),
  limit: pagingInteger(MAX_BULK_REPLAY_LIMIT, DEFAULT_BULK_REPLAY_LIMIT).describe(
    'At most this many are replayed, newest failure first.',
  ),
});

const QUERY_ORDER = ['user_id', 'template_code', 'error_code', 'limit', 'page'] as const;
const BODY_KEYS = ['filter', 'limit'] as const;
type FilterKey = keyof typeof deadLetterFilterSchema.shape;
const FILTER_KEYS = Object.keys(deadLetterFilterSchema.shape) as FilterKey[];
/** Where each filter field goes in the store's terms. */
const FILTER_TARGETS = {
  user_id: 'userId',
  template_code: 'templateCode',
  error_code: 'errorCode',
} as const satisfies Record<FilterKey, keyof ParsedDeadLetterFilter>;

/**
 * Validates the query of GET /api/v1/dead-letters/: the list query's rules for user_id,
 * template_code, limit and page, plus error_code. Throws VALIDATION_FAILED with one detail per bad
 * parameter.
 */
export function parseDeadLetterQuery(query: DeadLetterListQuery): ParsedDeadLetterQuery {
  const details: ErrorDetail[] = [];
  const given = (name: keyof DeadLetterListQuery) => queryValue(query?.[name], name, details);
  const result = deadLetterQuerySchema.safeParse({
    user_id: given('user_id'),
    template_code: given('template_code'),
    error_code: given('error_code'),
    limit: queryInteger(given('limit')),
    page: queryInteger(given('page')),
  });
  if (!result.success) details.push(...issueDetails(result.error.issues));
  if (details.length > 0 || !result.success) {
    throw validationFailed(onePerField(details, QUERY_ORDER), 'query');
  }
  const { user_id, template_code, error_code, limit, page } = result.data;
  const parsed: ParsedDeadLetterQuery = { limit, page };
  if (user_id !== undefined) parsed.userId = user_id;
  if (template_code !== undefined) parsed.templateCode = template_code;
  if (error_code !== undefined) parsed.errorCode = error_code;
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
    const checked = bulkReplaySchema.shape.limit.safeParse(limit);
    if (checked.success) result.limit = checked.data;
    else details.push({ path: 'limit', message: `limit ${firstMessage(checked.error)}` });
  }
  if (filter !== undefined && filter !== null) {
    if (!isPlainObject(filter)) {
      details.push({
        path: 'filter',
        message: `filter must be an object with ${FILTER_KEYS.join(', ')}`,
      });
    } else {
      result.filter = parseFilter(filter, details);
    }
  }
  if (details.length > 0) throw validationFailed(onePerField(details, [...BODY_KEYS]));
  return result;
}

/** Field by field, in the order given, so the details name the keys in the caller's order. */
function parseFilter(filter: Record<string, unknown>, details: ErrorDetail[]): ParsedDeadLetterFilter {
  const parsed: ParsedDeadLetterFilter = {};
  for (const [key, value] of Object.entries(filter)) {
    const path = `filter.${key}`;
    if (!(FILTER_KEYS as string[]).includes(key)) {
      details.push({ path, message: `${path} is not a filter; use ${FILTER_KEYS.join(', ')}` });
      continue;
    }
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      details.push({ path, message: `${path} must be a string` });
      continue;
    }
    const checked = deadLetterFilterSchema.shape[key as FilterKey].safeParse(value);
    if (checked.success) parsed[FILTER_TARGETS[key as FilterKey]] = value;
    else details.push({ path, message: `${path} ${firstMessage(checked.error)}` });
  }
  return parsed;
}

function firstMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'is invalid';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
