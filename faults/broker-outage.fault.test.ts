import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../test-support/stack.js';
import { until } from '../test-support/wait.js';
import { restartBroker } from './support/broker.js';
import { expectCleanRun } from './support/clean-run.js';
import { Ledger } from './support/ledger.js';
import { FAST_TIMINGS } from './support/timings.js';

// Scenario 3: the broker disappears twice in one run. First every AMQP connection of the stack
// is closed from the broker side (`rabbitmqctl close_connection`, what an operator or a broker
// failover does): unacked messages go back to the queue, and those already handled meet a
// final record and are skipped. Then the RabbitMQ application is stopped and started again
// (`stop_app`/`start_app`): the API keeps accepting (publishing is after the commit; the
// recovery loop republishes what could not be published), and workers reconnect and resume.
// No process dies, so not one email may arrive twice.
describe('fault 3: AMQP connections forced closed, then the broker stopped and started', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: FAST_TIMINGS, smtp: { replyDelayMs: 20 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('loses nothing and sends nothing twice', async () => {
    const ledger = new Ledger(stack, 'broker-outage');
    ledger.startClock();
    const sending = ledger.burst({ count: 300, ratePerSecond: 25, concurrency: 8 });

    await until(() => stack.smtp.messages.length >= 40, 30_000, 'deliveries before the first fault');
    const closed = await stack.closeBrokerConnections('fault suite: forced close');
    // API + two workers, each holding one connection.
    expect(closed).toBeGreaterThanOrEqual(3);
    const afterClose = stack.smtp.messages.length;
    await until(() => stack.smtp.messages.length >= afterClose + 20, 30_000, 'deliveries after reconnecting');

    const beforeStop = stack.smtp.messages.length;
    const acceptedBeforeStop = ledger.accepted.size;
    let acceptedWhileDown = 0;
    const outage = await restartBroker(3_000, () => {
      acceptedWhileDown = ledger.accepted.size - acceptedBeforeStop;
    });
    // The API kept answering 202 while the broker was away (its publish comes after the commit).
    expect(acceptedWhileDown).toBeGreaterThan(30);
    await until(() => stack.smtp.messages.length >= beforeStop + 30, 60_000, 'deliveries after the restart');

    await sending;
    expect(ledger.unsettled.size).toBe(0);
    const drainMs = await ledger.drain(90_000);
    const result = await ledger.account(drainMs);
    expectCleanRun(result, 300);
    for (const process of [stack.api, ...stack.workers]) expect(process.running).toBe(true);
    // Every process reconnects by itself (its backoff may still be waiting when the drain ends):
    // sessions at start, after the forced close, after the restart.
    const sessions = (p: Stack['api']) => p.lines.filter((l) => l.message === 'AMQP connected').length;
    await until(
      () => [stack.api, ...stack.workers].every((p) => sessions(p) >= 3),
      45_000,
      'every process to open its third AMQP session',
    );
    process.stderr.write(
      `broker-outage: closed ${closed} connections; broker down ${(outage.downMs / 1000).toFixed(1)}s ` +
        `(stop_app to start_app done), ${acceptedWhileDown} accepted meanwhile\n`,
    );
  });
});
