import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../test-support/stack.js';
import { expectCleanRun } from './support/clean-run.js';
import { Ledger } from './support/ledger.js';
import { FAST_TIMINGS } from './support/timings.js';

// Scenario 5: `kill -9` of the API right after a burst of 202s. A 202 means the row is committed;
// the publish happens after the answer (the outbox relay), so a kill can land between the two.
// The recovery loop, which runs in the API process (compose: `engine.startRelay()` in
// notify-api, not in the workers), republishes every committed record that never reached the
// queue once the API is back. Two rounds: a kill right after a plain burst (the natural race),
// and one where the API's broker link was cut during the burst, so that every record of that
// burst is committed and unpublished when the process dies.
describe('fault 5: kill -9 of the API right after a burst of 202s', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: FAST_TIMINGS, proxyApiBroker: true });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('delivers every accepted notification after the API restarts', async () => {
    const brokerLink = stack.apiBrokerProxy;
    if (brokerLink === undefined) throw new Error('the stack has no broker proxy for the API');
    const ledger = new Ledger(stack, 'api-kill9');
    ledger.startClock();

    // Round 1: as fast as it accepts, then kill -9 at once.
    await ledger.burst({ count: 150, concurrency: 16 });
    let exit = await stack.api.kill9();
    expect(exit.signal).toBe('SIGKILL');
    const unpublishedAfterRound1 = await countUnpublished(stack, ledger);
    await stack.api.start();

    // Round 2: the API cannot reach the broker; it still accepts (the commit is the promise).
    await brokerLink.cut();
    await ledger.burst({ count: 150, concurrency: 16 });
    exit = await stack.api.kill9();
    expect(exit.signal).toBe('SIGKILL');
    const unpublishedAfterRound2 = await countUnpublished(stack, ledger);
    await brokerLink.restore();
    await stack.api.start();

    expect(ledger.answers.get(202)).toBe(300);
    expect(unpublishedAfterRound2).toBeGreaterThanOrEqual(150);
    const drainMs = await ledger.drain(60_000);
    const result = await ledger.account(drainMs);
    expectCleanRun(result, 300);
    const republished = stack.api.lines
      .filter((l) => l.message === 'Republished stranded notifications')
      .reduce((sum, l) => sum + Number(l.republished ?? 0), 0);
    expect(republished).toBeGreaterThanOrEqual(unpublishedAfterRound2);
    process.stderr.write(
      `api-kill9: committed but unpublished at the kill: round 1 ${unpublishedAfterRound1}, ` +
        `round 2 ${unpublishedAfterRound2}; republished by the recovery loop: ${republished}\n`,
    );
  });
});

async function countUnpublished(stack: Stack, ledger: Ledger): Promise<number> {
  const rows = await stack.statuses();
  return [...ledger.accepted].filter((id) => {
    const row = rows.get(id);
    return row !== undefined && row.published_at === null && row.status === 'queued';
  }).length;
}
