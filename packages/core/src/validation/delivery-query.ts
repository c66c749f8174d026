import { z } from 'zod';
import type { ErrorDetail } from '../domain/errors.js';
import { NotifyError } from '../domain/errors.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../domain/webhook-delivery.js';
import { isPlainObject } from './field-rules.js';
import { MAX_LIST_LIMIT, MAX_LIST_PAGE } from './list-query.js';
import { pagingInteger, queryInteger, queryValue } from './parameter-checks.js';
import { issueDetails, onePerField, validationFailed } from './validation-details.js';

/** The raw query of GET /api/v1/webhooks/{id}/deliveries/. */
export interface DeliveryListQueryInput {
  status?: unknown;
  limit?: unknown;
  page?: unknown;
}

export interface ParsedDeliveryQuery {
  status?: DeliveryStatus;
  limit: number;
  page: number;
}

/** The query parameters of the delivery log (the OpenAPI document's are generated from it). */
export const deliveryQuerySchema = z.object({
  status: z
    .enum(DELIVERY_STATUSES, { error: `must be one of ${DELIVERY_STATUSES.join(', ')}` })
    .describe('Only deliveries in this status.')
    .optional(),
  limit: pagingInteger(MAX_LIST_LIMIT, 20).describe(`Items per page, 1 to ${MAX_LIST_LIMIT}.`),
  page: pagingInteger(MAX_LIST_PAGE, 1).describe('1-based page; a page past the end is an empty array.'),
});

/** VALIDATION_FAILED with one detail per bad parameter, never another error. */
export function parseDeliveryQuery(query: DeliveryListQueryInput): ParsedDeliveryQuery {
  const details: ErrorDetail[] = [];
  const given = (name: keyof DeliveryListQueryInput) => queryValue(query?.[name], name, details);
  const result = deliveryQuerySchema.safeParse({
    status: given('status'),
    limit: queryInteger(given('limit')),
    page: queryInteger(given('page')),
  });
  if (!result.success) details.push(...issueDetails(result.error.issues));
  if (details.length > 0 || !result.success) {
    throw validationFailed(onePerField(details, ['status', 'limit', 'page']), 'query');
  }
  const { status, limit, page } = result.data;
  return status === undefined ? { limit, page } : { status, limit, page };
}

/** The body of POST /api/v1/webhooks/{id}/recover/. */
export const recoverBodySchema = z.strictObject({
  since: z.iso
    .datetime({ offset: true, error: 'must be an ISO-8601 time, e.g. 2026-12-04T10:00:00Z' })
    .describe('Every failed delivery created at or after this time is sent again.'),
});

export function parseRecoverBody(body: unknown): { since: Date } {
  if (!isPlainObject(body)) {
    throw new NotifyError('VALIDATION_FAILED', 'Invalid request: the body must be a JSON object', {
      details: [{ path: 'body', message: 'must be a JSON object' }],
    });
  }
  const result = recoverBodySchema.safeParse(body);
  if (!result.success) {
    const details = result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ path: key, message: `${key} is not a field of a recovery` }))
        : issueDetails([issue]),
    );
    throw validationFailed(onePerField(details, ['since']));
  }
  return { since: new Date(result.data.since) };
}
