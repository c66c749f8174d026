import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../test-support/stack.js';
import { until } from '../test-support/wait.js';
import { handedBackByRecovery, processedCount } from './support/evidence.js';
import { Ledger } from './support/ledger.js';
import { FAST_TIMINGS } from './support/timings.js';

// Scenario 2: `kill -9` of one of the two workers in the middle of a run. Its unacked messages go
// back to the queue at once, but the notifications it had claimed stay leased to a dead process
// until PROCESSING_LEASE_MS passes; then the API's recovery loop hands them back and the other
// worker delivers them. A notification the dead worker had already handed to the SMTP server is
// sent again (same Message-ID): the one duplicate the design allows.
describe('fault 2: kill -9 of a worker mid-run', () => {
  let stack: Stack;

  beforeAll(async () => {
    // A slow SMTP reply keeps sends in flight, so the kill lands mid-send.
    stack = await startStack({ env: FAST_TIMINGS, smtp: { replyDelayMs: 40 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('loses nothing: expired claims are taken over, all delivered', async () => {
    const ledger = new Ledger(stack, 'worker-kill9');
    const [victim, survivor] = stack.workers as [Stack['workers'][0], Stack['workers'][0]];
    ledger.startClock();
    const sending = ledger.burst({ count: 300, ratePerSecond: 100 });

    await until(() => processedCount(victim) >= 40, 30_000, 'the victim to be busy');
    const victimId = `${victim.pid}`;
    const exit = await victim.kill9();
    expect(exit.signal).toBe('SIGKILL');
    // Nothing of the victim runs any more: what it holds now is exactly what it stranded.
    const stranded = await stack.query<{ request_id: string; lease_until: Date }>(
      `SELECT request_id, lease_until FROM notifications WHERE status = 'processing' AND lease_owner LIKE $1`,
      [`%:${victimId}:%`],
    );

    await sending;
    expect(ledger.unsettled.size).toBe(0);
    // The victim comes back later, as an orchestrator would restart it.
    await victim.start();
    const drainMs = await ledger.drain(90_000);
    const result = await ledger.account(drainMs);
    const { figures, rows } = result;

    expect(figures.accepted).toBe(300);
    expect(result.lostIds).toEqual([]);
    expect(figures.failed).toBe(0);
    expect(result.disagreementIds).toEqual([]);
    expect(figures.delivered).toBe(300);
    // The survivor carried the run while the victim was down.
    expect(processedCount(survivor)).toBeGreaterThan(0);
    // Every claim the victim held was taken over once its lease expired, and delivered: either
    // its message (requeued by the broker when the victim's connection died, and handed back
    // while the lease was live) reclaimed it, or the recovery loop handed it back first. Only
    // those may have reached the peer twice.
    let viaRecovery = 0;
    for (const { request_id, lease_until } of stranded) {
      const row = rows.get(request_id);
      expect(row?.status).toBe('delivered');
      const deliveredAt = row?.history.find((e) => e.outcome === 'delivered')?.at;
      expect(new Date(deliveredAt ?? 0).getTime()).toBeGreaterThanOrEqual(lease_until.getTime());
      if (handedBackByRecovery(row)) viaRecovery += 1;
    }
    const strandedIds = new Set(stranded.map((s) => s.request_id));
    for (const id of result.duplicateIds) expect(strandedIds.has(id)).toBe(true);
    process.stderr.write(
      `worker-kill9: the victim held ${stranded.length} claims when killed (${viaRecovery} handed back by ` +
        `the recovery loop, the rest reclaimed by their own message); ` +
        `${result.duplicateIds.length} of them had reached the peer before the kill\n`,
    );
  });
});
