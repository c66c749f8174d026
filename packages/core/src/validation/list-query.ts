import { z } from 'zod';
import type { ListQuery } from '../application/views.js';
import type { ErrorDetail } from '../domain/errors.js';
import { NotifyError } from '../domain/errors.js';
import type { NotificationStatus } from '../domain/notification.js';
import { NOTIFICATION_STATUSES } from '../domain/notification.js';
import { refineWith, templateCodeSchema, userIdSchema } from './field-schemas.js';
import { pagingInteger, queryInteger, queryValue } from './parameter-checks.js';
import { issueDetails, onePerField, validationFailed } from './validation-details.js';

/** A validated list query, in the store's terms. */
export interface ParsedListQuery {
  userId?: string;
  /** Any of these; absent = every status. */
  statuses?: NotificationStatus[];
  templateCode?: string;
  limit: number;
  page: number;
}

export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;
/**
 * Offset paging this deep is useless, and the cap keeps `(page - 1) * limit` well inside a 32-bit
 * integer, so no store ever sees an offset it cannot bind (which would be a 500, not a 422).
 */
export const MAX_LIST_PAGE = 1_000_000;

/** `pending` is the predecessor's word for "not picked up yet". */
const STATUS_ALIASES: Record<string, NotificationStatus[]> = { pending: ['queued', 'retrying'] };
const STATUS_WORDS = [...NOTIFICATION_STATUSES, ...Object.keys(STATUS_ALIASES)];
const STATUS_WORD = `(?:${STATUS_WORDS.join('|')})`;

function statusesProblem(raw: string): string | undefined {
  for (const word of raw.split(',')) {
    if (!STATUS_WORDS.includes(word)) {
      return `must be one of ${STATUS_WORDS.join(', ')} (comma-separated for several); got "${word.slice(0, 32)}"`;
    }
  }
  return undefined;
}

/**
 * The query parameters of GET /api/v1/notifications, each with its rule, its default and its
 * description: `parseListQuery` checks a query with it once each parameter is one string (`limit`
 * and `page` read as decimal digits), and the OpenAPI document's parameters are generated from it
 * (docs/openapi.md).
 */
export const listQuerySchema = z.object({
  user_id: userIdSchema.describe('Only this user’s notifications.').optional(),
  status: z
    .string()
    .superRefine(refineWith(statusesProblem))
    .meta({
      pattern: `^${STATUS_WORD}(?:,${STATUS_WORD})*$`,
      description:
        'One status or several separated by commas (`queued,failed`). `pending` means `queued` or `retrying` (the predecessor’s word).',
    })
    .optional(),
  template_code: templateCodeSchema.describe('Only this template.').optional(),
  limit: pagingInteger(MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT).describe(
    `Items per page, 1 to ${MAX_LIST_LIMIT}.`,
  ),
  page: pagingInteger(MAX_LIST_PAGE, 1).describe(
    '1-based page; a page past the end is an empty array, not an error.',
  ),
});

const FIELD_ORDER = ['user_id', 'status', 'template_code', 'limit', 'page'] as const;

/**
 * Validates the query of GET /api/v1/notifications. Values arrive as strings, or as arrays when
 * a parameter is repeated (rejected: which one was meant is a guess). An empty value counts as
 * absent. `status` may list several statuses separated by commas. Throws VALIDATION_FAILED with
 * one detail per bad parameter; never any other error.
 */
export function parseListQuery(query: ListQuery): ParsedListQuery {
  try {
    return parse(query);
  } catch (error) {
    if (NotifyError.is(error)) throw error;
    throw new NotifyError('VALIDATION_FAILED', 'Invalid query: it could not be read', { cause: error });
  }
}

function parse(query: ListQuery): ParsedListQuery {
  const details: ErrorDetail[] = [];
  const given = (name: keyof ListQuery) => queryValue(query?.[name], name, details);
  const result = listQuerySchema.safeParse({
    user_id: given('user_id'),
    status: given('status'),
    template_code: given('template_code'),
    limit: queryInteger(given('limit')),
    page: queryInteger(given('page')),
  });
  if (!result.success) details.push(...issueDetails(result.error.issues));
  if (details.length > 0 || !result.success) {
    throw validationFailed(onePerField(details, FIELD_ORDER), 'query');
  }
  const { user_id, status, template_code, limit, page } = result.data;
  const parsed: ParsedListQuery = { limit, page };
  if (user_id !== undefined) parsed.userId = user_id;
  if (status !== undefined) parsed.statuses = expandStatuses(status);
  if (template_code !== undefined) parsed.templateCode = template_code;
  return parsed;
}

/** Checked words (statusesProblem) to statuses, aliases expanded, each once. */
function expandStatuses(raw: string): NotificationStatus[] {
  const statuses = new Set<NotificationStatus>();
  for (const word of raw.split(',')) {
    for (const status of STATUS_ALIASES[word] ?? [word as NotificationStatus]) statuses.add(status);
  }
  return [...statuses];
}
