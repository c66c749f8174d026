import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../test-support/stack.js';
import { until } from '../test-support/wait.js';
import { expectCleanRun } from './support/clean-run.js';
import { processedCount } from './support/evidence.js';
import { Ledger } from './support/ledger.js';
import { FAST_TIMINGS } from './support/timings.js';

const SHUTDOWN_TIMEOUT_MS = Number(FAST_TIMINGS.SHUTDOWN_TIMEOUT_MS);

// Graceful shutdown under load, for both hosts (SIGTERM, what an orchestrator sends first):
// - the API mid-burst: it stops accepting connections, answers the requests in flight, flushes
//   the outbox relay (every 202 it gave is published before it exits), closes its pool and broker
//   connection and exits 0 within SHUTDOWN_TIMEOUT_MS; the client retries what was refused;
// - a worker mid-drain (a backlog on the queue, sends in flight): it stops taking messages,
//   finishes the ones it is sending, hands back what it had prefetched, closes and exits 0.
// Nothing is lost and, since no process is killed, nothing is sent twice.
describe('graceful shutdown under load (SIGTERM)', () => {
  let stack: Stack;

  beforeAll(async () => {
    // A slower peer builds a backlog, so the worker is stopped with work in hand.
    stack = await startStack({ env: FAST_TIMINGS, smtp: { replyDelayMs: 150 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('the API mid-burst and a worker mid-drain both exit 0 in time and lose nothing', async () => {
    const ledger = new Ledger(stack, 'graceful');
    ledger.startClock();

    // The API, mid-burst.
    let apiExit: Awaited<ReturnType<Stack['api']['terminate']>> | undefined;
    await ledger.burst({
      count: 300,
      concurrency: 16,
      ratePerSecond: 150,
      onAnswer: async (answered) => {
        if (answered === 120) apiExit = await stack.api.terminate(SHUTDOWN_TIMEOUT_MS + 5_000);
      },
    });
    expect(apiExit).toMatchObject({ code: 0, signal: null });
    expect(apiExit?.ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    const refusedWhileDown = ledger.unsettled.size;
    expect(refusedWhileDown).toBeGreaterThan(0);
    // Every 202 of the stopped API was published before it exited: nothing left to recover.
    const rows = await stack.statuses();
    const unpublished = [...ledger.accepted].filter(
      (id) => rows.get(id)?.status === 'queued' && rows.get(id)?.published_at === null,
    );
    expect(unpublished).toEqual([]);
    await stack.api.start();
    await ledger.resendUnsettled(30_000);
    expect(ledger.accepted.size).toBe(300);

    // A worker, mid-drain: a second burst builds a backlog (the peer answers in 150 ms, a worker
    // sends 8 at a time); once the worker is busy with it, SIGTERM.
    const [stopping, other] = stack.workers as [Stack['workers'][0], Stack['workers'][0]];
    await until(async () => (await openCount(stack, ledger)) === 0, 30_000, 'the first burst to drain');
    const before = processedCount(stopping);
    await ledger.burst({ count: 200, concurrency: 16 });
    await until(() => processedCount(stopping) >= before + 20, 20_000, 'the worker to be draining');
    const backlog = await openCount(stack, ledger);
    expect(backlog).toBeGreaterThan(20);
    const workerExit = await stopping.terminate(SHUTDOWN_TIMEOUT_MS + 5_000);
    expect(workerExit).toMatchObject({ code: 0, signal: null });
    expect(workerExit.ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    // It drained: the in-flight sends finished instead of being cut off.
    const stoppedLine = stopping.lines.find((l) => l.message === 'Worker stopped');
    expect(stoppedLine).toBeDefined();
    expect(stopping.lines.some((l) => /before in-flight messages finished/.test(String(l.message)))).toBe(
      false,
    );

    const drainMs = await ledger.drain(60_000);
    const result = await ledger.account(drainMs);
    expectCleanRun(result, 500);
    // The rest of the backlog went to the other worker; nothing was left leased by the stopped one.
    expect(processedCount(other)).toBeGreaterThan(0);
    process.stderr.write(
      `graceful: API exited ${apiExit?.code} after ${apiExit?.ms} ms (${refusedWhileDown} requests refused ` +
        `while it was down, resent); worker exited ${workerExit.code} after ${workerExit.ms} ms ` +
        `with a backlog of ${backlog}\n`,
    );
  });
});

/** Accepted notifications not yet final. */
async function openCount(stack: Stack, ledger: Ledger): Promise<number> {
  const rows = await stack.statuses();
  return [...ledger.accepted].filter((id) => !['delivered', 'failed'].includes(rows.get(id)?.status ?? ''))
    .length;
}
