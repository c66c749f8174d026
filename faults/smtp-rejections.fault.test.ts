import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusRow } from '../test-support/stack.js';
import { type Stack, startStack } from '../test-support/stack.js';
import { until } from '../test-support/wait.js';
import { drainFailedQueue } from './support/broker.js';
import { Ledger } from './support/ledger.js';
import { FAST_TIMINGS } from './support/timings.js';

const COUNT = 240;
const RETRY_BASE_MS = 1000;
const GREYLIST_TIMES = 3;

const isRejected = (address: string) => address.startsWith('rejected-');
const isGreylisted = (address: string) => address.startsWith('greylisted-');

/** Gaps in ms between consecutive counted attempts (deferrals and hand-backs left out). */
function attemptGaps(row: StatusRow): number[] {
  const times = row.history
    .filter((e) => e.outcome === 'retrying' || e.outcome === 'delivered')
    .map((e) => new Date(e.at).getTime());
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

// Scenario 7: the SMTP server answers some recipients with 550 (permanent) and greylists others
// with 451 (transient) for their first three tries. A 550 is `failed` after one attempt, lands
// on `failed.queue` and triggers the status callback; a 451 is retried with exponential backoff
// (full jitter, RETRY_BASE_MS=1000: ceilings 1 s, 2 s, 4 s) and delivered on the fourth attempt.
// The breaker threshold is set out of reach: this scenario is about classification, not the
// breaker (scenario 1).
describe('fault 7: 550 and 451 answers from the SMTP server', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      env: {
        ...FAST_TIMINGS,
        RETRY_BASE_MS: String(RETRY_BASE_MS),
        RETRY_CAP_MS: '60000',
        MAX_RETRIES: '5',
        BREAKER_FAILURE_THRESHOLD: '1000',
      },
      callbacks: true,
    });
    stack.smtp.rejectRecipients(isRejected, 550, '5.1.1 Mailbox does not exist');
    stack.smtp.rejectRecipients(isGreylisted, 451, '4.7.1 Greylisted, try again later', GREYLIST_TIMES);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('fails a 550 after one attempt with a dead letter and a callback; retries a 451 until delivered', async () => {
    const ledger = new Ledger(stack, 'smtp-rejections');
    ledger.startClock();
    const email = (i: number) => {
      if (i % 12 === 0) return `rejected-${i}@faults.test`;
      if (i % 12 === 6) return `greylisted-${i}@faults.test`;
      return `user${i}@faults.test`;
    };
    await ledger.burst({ count: COUNT, ratePerSecond: 60, concurrency: 8, email });
    const toEmail = new Map(
      (
        await stack.query<{ request_id: string; to_email: string }>(
          'SELECT request_id, to_email FROM notifications',
        )
      ).map((r) => [r.request_id, r.to_email]),
    );
    const rejected = new Set([...ledger.accepted].filter((id) => isRejected(toEmail.get(id) ?? '')));
    const greylisted = [...ledger.accepted].filter((id) => isGreylisted(toEmail.get(id) ?? ''));
    expect(rejected.size).toBe(COUNT / 12);
    expect(greylisted).toHaveLength(COUNT / 12);

    const drainMs = await ledger.drain(90_000);
    const result = await ledger.account(drainMs, rejected);
    const { figures, rows } = result;
    expect(figures.accepted).toBe(COUNT);
    expect(result.lostIds).toEqual([]);
    expect(result.duplicateIds).toEqual([]);
    expect(result.disagreementIds).toEqual([]);
    expect(figures.failed).toBe(rejected.size);
    expect(figures.delivered).toBe(COUNT - rejected.size);

    // 550: failed after exactly one attempt, with the server's answer as the reason.
    for (const id of rejected) {
      expect(rows.get(id)).toMatchObject({ status: 'failed', attempts: 1, error_code: 'SMTP_PERMANENT' });
      expect(rows.get(id)?.error).toMatch(/550/);
    }
    // ...on failed.queue, with attempts and reason...
    const deadLetters = await drainFailedQueue(stack);
    expect(deadLetters.map((d) => d.requestId).sort()).toEqual([...rejected].sort());
    for (const entry of deadLetters)
      expect(entry).toMatchObject({ errorCode: 'SMTP_PERMANENT', attempts: 1 });
    // ...and the status callback told the client, as it did for every delivery.
    await until(
      () => new Set(stack.callbacks?.received.map((c) => c.request_id)).size >= COUNT,
      20_000,
      'a status callback for every notification',
    );
    const callbacks = new Map(stack.callbacks?.received.map((c) => [String(c.request_id), c]));
    for (const id of rejected) {
      expect(callbacks.get(id)).toMatchObject({ status: 'failed', attempts: 1 });
      expect(String(callbacks.get(id)?.error)).toMatch(/550/);
    }
    for (const id of ledger.accepted) {
      if (!rejected.has(id)) expect(callbacks.get(id)).toMatchObject({ status: 'delivered' });
    }

    // 451: three retries, then delivered on the fourth attempt; each retry recorded in order.
    const gapsByRetry: number[][] = [[], [], []];
    for (const id of greylisted) {
      const row = rows.get(id) as StatusRow;
      expect(row).toMatchObject({ status: 'delivered', attempts: GREYLIST_TIMES + 1 });
      expect(row.history.filter((e) => e.outcome === 'retrying').map((e) => e.errorCode)).toEqual(
        Array(GREYLIST_TIMES).fill('SMTP_TRANSIENT'),
      );
      const gaps = attemptGaps(row);
      expect(gaps).toHaveLength(GREYLIST_TIMES);
      gaps.forEach((gap, n) => {
        // Full jitter: anywhere up to the ceiling (base x 2^n), never early (the smallest delay
        // tier is 1 s), plus a tier's and processing's worth of lateness.
        expect(gap).toBeGreaterThanOrEqual(900);
        expect(gap).toBeLessThanOrEqual(RETRY_BASE_MS * 2 ** n + 2_500);
        gapsByRetry[n]?.push(gap);
      });
    }
    // The delays grow: the third wait is on average longer than the first.
    const means = gapsByRetry.map(mean);
    expect(means[2] as number).toBeGreaterThan((means[0] as number) + 400);
    process.stderr.write(
      `smtp-rejections: ${rejected.size} x 550 failed after 1 attempt (dead letters ${deadLetters.length}, ` +
        `callbacks ${stack.callbacks?.received.length}); ${greylisted.length} x 451 delivered on attempt ` +
        `${GREYLIST_TIMES + 1}, mean waits ${means.map((m) => `${(m / 1000).toFixed(2)}s`).join(' < ')}\n`,
    );
  });
});
