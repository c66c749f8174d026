import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../test-support/stack.js';
import { until } from '../test-support/wait.js';
import { drainFailedQueue, publishRaw } from './support/broker.js';
import { expectCleanRun } from './support/clean-run.js';
import { Ledger } from './support/ledger.js';
import { FAST_TIMINGS } from './support/timings.js';

const POISON_PER_KIND = 5;

/** What a foreign or broken producer might put on `email.queue`. */
function poisonBodies(): { notJson: string[]; unknownFields: string[]; unknownRequest: string[] } {
  const kinds = { notJson: [] as string[], unknownFields: [] as string[], unknownRequest: [] as string[] };
  for (let i = 0; i < POISON_PER_KIND; i++) {
    kinds.notJson.push(i % 2 === 0 ? `not json ${i} {` : `<xml>${i}</xml>`);
    kinds.unknownFields.push(
      JSON.stringify({
        requestId: `poison-fields-${i}`,
        taskId: randomUUID(),
        priority: 5,
        correlationId: randomUUID(),
        recipient: 'someone@faults.test',
      }),
    );
    kinds.unknownRequest.push(
      JSON.stringify({
        requestId: `poison-unknown-${i}-${randomUUID()}`,
        taskId: randomUUID(),
        priority: 5,
        correlationId: randomUUID(),
      }),
    );
  }
  return kinds;
}

// Scenario 6: poison messages published straight onto `email.queue` between normal traffic: a
// body that is not JSON, JSON with fields the wire format does not have, and a well-formed
// message for a request_id the store has never seen. Each is dead-lettered on `failed.queue`
// with its reason and acknowledged; the workers keep delivering the normal traffic meanwhile.
describe('fault 6: poison messages on email.queue', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: FAST_TIMINGS });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('dead-letters each with a reason and keeps delivering', async () => {
    const ledger = new Ledger(stack, 'poison');
    ledger.startClock();
    const sending = ledger.burst({ count: 240, ratePerSecond: 60, concurrency: 8 });
    const poison = poisonBodies();

    await until(() => stack.smtp.messages.length >= 30, 30_000, 'deliveries before the poison');
    await publishRaw(stack, [...poison.notJson, ...poison.unknownFields, ...poison.unknownRequest]);
    const afterPoison = stack.smtp.messages.length;
    await until(() => stack.smtp.messages.length >= afterPoison + 30, 30_000, 'deliveries after the poison');

    await sending;
    const drainMs = await ledger.drain(60_000);
    const result = await ledger.account(drainMs);
    const { figures } = result;
    expectCleanRun(result, 240);
    for (const worker of stack.workers) expect(worker.running).toBe(true);

    const deadLetters = await drainFailedQueue(stack);
    const malformed = deadLetters.filter((d) => d.errorCode === 'MALFORMED_MESSAGE');
    const unknown = deadLetters.filter((d) => d.errorCode === 'UNKNOWN_NOTIFICATION');
    expect(deadLetters).toHaveLength(3 * POISON_PER_KIND);
    // Not JSON: the reason says so and the raw body is kept for the operator.
    for (const body of poison.notJson) {
      const entry = malformed.find((d) => d.raw === body);
      expect(entry?.error).toMatch(/not JSON/);
    }
    // Unknown fields: named in the reason.
    for (const body of poison.unknownFields) {
      const entry = malformed.find((d) => d.raw === body);
      expect(entry?.error).toMatch(/unknown field\(s\): recipient/);
    }
    // A request_id the store does not know.
    for (const body of poison.unknownRequest) {
      const { requestId } = JSON.parse(body) as { requestId: string };
      const entry = unknown.find((d) => d.requestId === requestId);
      expect(entry?.error).toContain(`No notification with request_id '${requestId}'`);
    }
    process.stderr.write(
      `poison: ${malformed.length} malformed and ${unknown.length} unknown-request messages dead-lettered; ` +
        `${afterPoison} emails before the poison, ${figures.delivered} in all\n`,
    );
  });
});
