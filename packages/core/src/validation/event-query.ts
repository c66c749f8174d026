import { z } from 'zod';
import type { ErrorDetail } from '../domain/errors.js';
import { NotifyError } from '../domain/errors.js';
import { EVENT_TYPES, type EventType } from '../domain/events.js';
import { refineWith } from './field-schemas.js';
import { pagingInteger, queryInteger, queryValue } from './parameter-checks.js';
import { issueDetails, onePerField, validationFailed } from './validation-details.js';

/** The raw query of GET /api/v1/events/. */
export interface EventListQuery {
  type?: unknown;
  since?: unknown;
  cursor?: unknown;
  limit?: unknown;
}

export interface ParsedEventQuery {
  types?: EventType[];
  since?: Date;
  cursor?: string;
  limit: number;
}

export const DEFAULT_EVENT_LIMIT = 100;
export const MAX_EVENT_LIMIT = 1000;
const TYPE_WORD = `(?:${EVENT_TYPES.map((t) => t.replace('.', '\\.')).join('|')})`;

function typesProblem(raw: string): string | undefined {
  for (const word of raw.split(',')) {
    if (!(EVENT_TYPES as readonly string[]).includes(word)) {
      return `must be event types separated by commas (${EVENT_TYPES.join(', ')}); got "${word.slice(0, 40)}"`;
    }
  }
  return undefined;
}

/** The query parameters of GET /api/v1/events/ (the OpenAPI document's are generated from it). */
export const eventQuerySchema = z.object({
  type: z
    .string()
    .superRefine(refineWith(typesProblem))
    .meta({
      pattern: `^${TYPE_WORD}(?:,${TYPE_WORD})*$`,
      description: 'One event type or several separated by commas.',
    })
    .optional(),
  since: z.iso
    .datetime({ offset: true, error: 'must be an ISO-8601 time, e.g. 2026-12-04T10:00:00Z' })
    .describe('Only events created at or after this time.')
    .optional(),
  cursor: z
    .string()
    .max(200, { error: 'must be a cursor this API handed out (meta.next_cursor)' })
    .describe('`meta.next_cursor` of the previous page: the events after it.')
    .optional(),
  limit: pagingInteger(MAX_EVENT_LIMIT, DEFAULT_EVENT_LIMIT).describe(
    `Events per page, 1 to ${MAX_EVENT_LIMIT}.`,
  ),
});

const FIELD_ORDER = ['type', 'since', 'cursor', 'limit'] as const;

/**
 * Validates the query of GET /api/v1/events/: VALIDATION_FAILED with one detail per bad
 * parameter, never another error. Whether a cursor is one of the log's own is the log's to say.
 */
export function parseEventQuery(query: EventListQuery): ParsedEventQuery {
  try {
    return parse(query);
  } catch (error) {
    if (NotifyError.is(error)) throw error;
    throw new NotifyError('VALIDATION_FAILED', 'Invalid query: it could not be read', { cause: error });
  }
}

function parse(query: EventListQuery): ParsedEventQuery {
  const details: ErrorDetail[] = [];
  const given = (name: keyof EventListQuery) => queryValue(query?.[name], name, details);
  const result = eventQuerySchema.safeParse({
    type: given('type'),
    since: given('since'),
    cursor: given('cursor'),
    limit: queryInteger(given('limit')),
  });
  if (!result.success) details.push(...issueDetails(result.error.issues));
  if (details.length > 0 || !result.success) {
    throw validationFailed(onePerField(details, FIELD_ORDER), 'query');
  }
  const { type, since, cursor, limit } = result.data;
  const parsed: ParsedEventQuery = { limit };
  if (type !== undefined) parsed.types = [...new Set(type.split(','))] as EventType[];
  if (since !== undefined) parsed.since = new Date(since);
  if (cursor !== undefined) parsed.cursor = cursor;
  return parsed;
}
