import type { ListQuery } from '../application/views.js';
import type { ErrorDetail } from '../domain/errors.js';
import { NotifyError } from '../domain/errors.js';
import type { NotificationStatus } from '../domain/notification.js';
import { NOTIFICATION_STATUSES } from '../domain/notification.js';
import { templateCodeProblem, userIdProblem } from './field-rules.js';
import { onePerField, validationFailed } from './validation-details.js';

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
  const text = (name: keyof ListQuery): string | undefined => {
    const value = query?.[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value;
    details.push({
      path: name,
      message: Array.isArray(value) ? `${name} must be given once` : `${name} must be a string`,
    });
    return undefined;
  };

  const parsed: ParsedListQuery = { limit: DEFAULT_LIST_LIMIT, page: 1 };
  const userId = text('user_id');
  if (userId !== undefined) {
    const problem = userIdProblem(userId);
    if (problem) details.push({ path: 'user_id', message: `user_id ${problem}` });
    else parsed.userId = userId;
  }
  const status = text('status');
  if (status !== undefined) {
    const statuses = parseStatuses(status);
    if (typeof statuses === 'string') details.push({ path: 'status', message: statuses });
    else parsed.statuses = statuses;
  }
  const templateCode = text('template_code');
  if (templateCode !== undefined) {
    const problem = templateCodeProblem(templateCode);
    if (problem) details.push({ path: 'template_code', message: `template_code ${problem}` });
    else parsed.templateCode = templateCode;
  }
  const limit = text('limit');
  if (limit !== undefined) {
    const value = boundedInteger(limit, 1, MAX_LIST_LIMIT);
    if (value === undefined) {
      details.push({ path: 'limit', message: `limit must be an integer from 1 to ${MAX_LIST_LIMIT}` });
    } else parsed.limit = value;
  }
  const page = text('page');
  if (page !== undefined) {
    const value = boundedInteger(page, 1, MAX_LIST_PAGE);
    if (value === undefined) {
      details.push({ path: 'page', message: `page must be an integer from 1 to ${MAX_LIST_PAGE}` });
    } else parsed.page = value;
  }

  if (details.length > 0) throw validationFailed(onePerField(details, FIELD_ORDER), 'query');
  return parsed;
}

function parseStatuses(raw: string): NotificationStatus[] | string {
  const statuses = new Set<NotificationStatus>();
  for (const word of raw.split(',')) {
    const alias = STATUS_ALIASES[word];
    if (alias) for (const s of alias) statuses.add(s);
    else if ((NOTIFICATION_STATUSES as readonly string[]).includes(word))
      statuses.add(word as NotificationStatus);
    else {
      const allowed = [...NOTIFICATION_STATUSES, ...Object.keys(STATUS_ALIASES)].join(', ');
      return `status must be one of ${allowed} (comma-separated for several); got "${word.slice(0, 32)}"`;
    }
  }
  return [...statuses];
}

/** Decimal digits only: `Number()` would also take '1e2', '0x10', ' 5' and '5.0'. */
function boundedInteger(raw: string, min: number, max: number): number | undefined {
  if (!/^\d{1,9}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= min && value <= max ? value : undefined;
}
