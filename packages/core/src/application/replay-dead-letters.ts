import { z } from 'zod';
import { NotifyError } from '../domain/errors.js';
import { type BulkReplayCommand, type ParsedDeadLetterFilter, parseBulkReplay } from './dead-letter-query.js';
import type { EngineContext } from './engine-context.js';
import { retryFailed } from './retry-failed.js';
import { guardStore } from './store-errors.js';

export const bulkReplayResultSchema = z
  .object({
    matched: z.int().min(0).describe('Dead letters matching the filter when the replay started.'),
    selected: z.int().min(0).describe('How many were taken (at most `limit`), newest failure first.'),
    replayed: z.int().min(0).describe('Re-queued with a fresh attempt budget.'),
    skipped: z
      .int()
      .min(0)
      .describe('No longer failed when their turn came (replayed by someone else meanwhile).'),
    failed: z.int().min(0).describe('Could not be replayed; still dead letters, listed in `errors`.'),
    remaining: z
      .int()
      .min(0)
      .describe('Matching dead letters not replayed by this call: `matched - replayed`, never negative.'),
    limit: z.int().min(1),
    filter: z.object({
      user_id: z.string().optional(),
      template_code: z.string().optional(),
      error_code: z.string().optional(),
    }),
    request_ids: z.array(z.string()).describe('The request_ids replayed, newest failure first.'),
    errors: z.array(z.object({ request_id: z.string(), code: z.string(), message: z.string() })),
  })
  .describe('What a bulk replay did; every selected dead letter is counted exactly once.');
/** What a bulk replay did (its view: the use case builds it directly, never parses it). */
export type BulkReplayResult = z.output<typeof bulkReplayResultSchema>;

/** Store pages read while selecting; also how many replays run at once. */
const PAGE_SIZE = 50;
const PARALLEL_REPLAYS = 8;

/**
 * Replays up to `limit` dead letters matching `filter`, newest failure first. The ids are selected
 * first and replayed afterwards, so a replayed notification that fails again during the run is not
 * picked up a second time, and paging is not disturbed by records leaving the failed set. Each
 * replay is `retryFailed`, independent and durable: running the same bulk replay again is safe.
 */
export async function replayDeadLetters(
  ctx: EngineContext,
  command: BulkReplayCommand,
  correlationId?: string,
): Promise<BulkReplayResult> {
  const { filter, limit } = parseBulkReplay(command);
  const { ids, matched } = await selectIds(ctx, filter, limit);
  const result: BulkReplayResult = {
    matched,
    selected: ids.length,
    replayed: 0,
    skipped: 0,
    failed: 0,
    remaining: 0,
    limit,
    filter: filterView(filter),
    request_ids: [],
    errors: [],
  };
  const outcomes = new Array<'replayed' | 'skipped' | 'failed'>(ids.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const index = next++;
      const requestId = ids[index] as string;
      try {
        await retryFailed(ctx, requestId, correlationId);
        outcomes[index] = 'replayed';
      } catch (error) {
        if (NotifyError.is(error) && (error.code === 'NOT_REPLAYABLE' || error.code === 'NOT_FOUND')) {
          outcomes[index] = 'skipped';
        } else {
          outcomes[index] = 'failed';
          result.errors.push(describe(requestId, error));
          ctx.logger.error({ err: error, request_id: requestId }, 'Replaying a dead letter failed');
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_REPLAYS, ids.length) }, worker));
  ids.forEach((id, index) => {
    const outcome = outcomes[index] ?? 'failed';
    result[outcome] += 1;
    if (outcome === 'replayed') result.request_ids.push(id);
  });
  result.remaining = Math.max(0, matched - result.replayed);
  ctx.logger.info(
    {
      correlation_id: correlationId,
      matched,
      replayed: result.replayed,
      skipped: result.skipped,
      failed: result.failed,
      filter: result.filter,
    },
    'Dead letters replayed in bulk',
  );
  return result;
}

async function selectIds(
  ctx: EngineContext,
  filter: ParsedDeadLetterFilter,
  limit: number,
): Promise<{ ids: string[]; matched: number }> {
  const ids = new Set<string>();
  let matched = 0;
  for (let offset = 0; ids.size < limit; offset += PAGE_SIZE) {
    const page = await guardStore('list dead letters', () =>
      ctx.store.list({ ...filter, statuses: ['failed'] }, { limit: PAGE_SIZE, offset, sortBy: 'updatedAt' }),
    );
    if (offset === 0) matched = page.total;
    // A Set: a record failing meanwhile shifts the pages, and the same id may show up twice.
    for (const record of page.items) if (ids.size < limit) ids.add(record.requestId);
    if (page.items.length < PAGE_SIZE) break;
  }
  return { ids: [...ids], matched };
}

function filterView(filter: ParsedDeadLetterFilter): BulkReplayResult['filter'] {
  const view: BulkReplayResult['filter'] = {};
  if (filter.userId !== undefined) view.user_id = filter.userId;
  if (filter.templateCode !== undefined) view.template_code = filter.templateCode;
  if (filter.errorCode !== undefined) view.error_code = filter.errorCode;
  return view;
}

/** Our own messages only: a store error's text is written by guardStore, never a driver's. */
function describe(requestId: string, error: unknown): { request_id: string; code: string; message: string } {
  if (NotifyError.is(error) && error.forCaller) {
    return { request_id: requestId, code: error.code, message: error.message };
  }
  if (NotifyError.is(error) && error.code === 'STORE_UNAVAILABLE') {
    return {
      request_id: requestId,
      code: error.code,
      message: 'The store was unavailable; it is most likely still failed, check and retry',
    };
  }
  return {
    request_id: requestId,
    code: 'INTERNAL',
    message: 'An internal error occurred; it has been logged',
  };
}
