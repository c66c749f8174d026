import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../test-support/stack.js';
import { sleep, until } from '../test-support/wait.js';
import { Ledger } from './support/ledger.js';
import { FAST_TIMINGS } from './support/timings.js';

const OUTAGE_MS = 4000;

// Scenario 4: PostgreSQL unreachable for 4 s. Every process reaches it through a TCP proxy that
// the test cuts (open connections reset, new ones refused) and restores; the machine's server,
// which other runs share, is never touched. The API answers 503 and commits nothing it could
// lose; a client's retry with the same request_id is accepted once the store is back. Workers
// cannot claim, so they hand each message back to the queue and resume afterwards.
describe('fault 4: PostgreSQL unreachable for a few seconds', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: FAST_TIMINGS, proxyPostgres: true, smtp: { replyDelayMs: 250 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 503 during the outage, loses nothing, and the workers resume', async () => {
    const proxy = stack.postgresProxy;
    if (proxy === undefined) throw new Error('the stack has no PostgreSQL proxy');
    const ledger = new Ledger(stack, 'store-outage');
    ledger.startClock();
    // Faster than the two workers can send (the peer takes 250 ms per message), so a backlog
    // waits on the queue when the store goes away: the workers take those messages during the
    // outage, cannot claim them, and must hand every one of them back.
    const sending = ledger.burst({ count: 300, ratePerSecond: 100, concurrency: 16 });

    const backlog = () => ledger.accepted.size - stack.smtp.messages.length;
    await until(
      () => stack.smtp.messages.length >= 20 && backlog() >= 60,
      30_000,
      'a backlog before the outage',
    );
    const backlogAtCut = backlog();
    await proxy.cut();
    const cutAt = Date.now();
    const arrivedAtCut = stack.smtp.messages.length;
    // The API reports the store down (503 on /health/) and refuses new notifications with 503.
    await until(
      async () => (await fetch(`${stack.baseUrl}/health/`)).status === 503,
      5_000,
      'health 503 during the outage',
    );
    const health = (await (await fetch(`${stack.baseUrl}/health/`)).json()) as {
      data: { checks: { database: { status: string } } };
    };
    expect(health.data.checks.database.status).toBe('down');
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - cutAt)));
    const refused = ledger.answers.get(503) ?? 0;
    const deliveredDuringOutage = stack.smtp.messages.length;
    await proxy.restore();

    await sending;
    // What a client does with a 503: the same request again, later.
    const resent = await ledger.resendUnsettled(30_000);
    const drainMs = await ledger.drain(90_000);
    const result = await ledger.account(drainMs);
    const { figures, rows } = result;

    expect(refused).toBeGreaterThan(20);
    expect(figures.accepted).toBe(300);
    expect(result.lostIds).toEqual([]);
    expect(figures.failed).toBe(0);
    expect(result.disagreementIds).toEqual([]);
    expect(figures.delivered).toBe(300);
    // Every 202 was a committed row; a refused request left nothing behind until it was resent.
    for (const id of ledger.accepted) expect(rows.has(id)).toBe(true);
    // The workers paused: at most the sends already in flight at the cut (2 workers x their
    // concurrency) arrived during the outage; they are still running and delivered the rest afterwards.
    const inFlightAtCut = 2 * Number(FAST_TIMINGS.WORKER_CONCURRENCY);
    expect(deliveredDuringOutage - arrivedAtCut).toBeLessThanOrEqual(inFlightAtCut);
    for (const worker of stack.workers) expect(worker.running).toBe(true);
    // No process died, so no email went out twice: a worker whose 250 came back while the store
    // was away waits the outage out (within its lease) to record the delivery.
    expect(result.duplicateIds).toEqual([]);
    process.stderr.write(
      `store-outage: backlog of ${backlogAtCut} at the cut; ${refused} requests answered 503 and resent (${resent} resends); ` +
        `${deliveredDuringOutage} emails had arrived when the store came back\n`,
    );
  });
});
