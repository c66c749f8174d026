import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DeadLetter } from '../../ports/notification-queue.js';
import { type ContractIt, caseNeeding, waitFor } from '../contract-runner.js';
import {
  type NotificationQueueContractOptions,
  type NotificationQueueHarness,
  queueCases,
  T,
} from './harness.js';

/** Dead letters: what deadLetter takes, peekDeadLetters reads back, oldest first, without removing. */
export function notificationQueueDeadLettersContract(
  it: ContractIt,
  makeQueue: () => Promise<NotificationQueueHarness>,
  options: NotificationQueueContractOptions = {},
): void {
  const { arrival, lacks, run } = queueCases(makeQueue, options);

  caseNeeding(
    it,
    lacks,
    'peekDeadLetters',
    `${T} dead letters round-trip through peekDeadLetters, oldest first`,
    run(async (queue) => {
      assert.ok(
        queue.peekDeadLetters,
        'peekDeadLetters is required unless lacks.peekDeadLetters is declared',
      );
      const first: DeadLetter = {
        requestId: `req-${randomUUID()}`,
        taskId: randomUUID(),
        correlationId: `corr-${randomUUID()}`,
        errorCode: 'SMTP_PERMANENT',
        error: '550 5.1.1 mailbox unknown',
        attempts: 1,
        firstAttemptAt: new Date('2030-01-01T00:00:00.000Z'),
        failedAt: new Date('2030-01-01T00:00:01.000Z'),
      };
      const poison: DeadLetter = {
        requestId: null,
        taskId: null,
        correlationId: null,
        errorCode: 'MALFORMED_MESSAGE',
        error: 'not JSON',
        attempts: 0,
        firstAttemptAt: null,
        failedAt: new Date('2030-01-01T00:00:02.000Z'),
        raw: '{not json',
      };
      await queue.deadLetter(first);
      await queue.deadLetter(poison);
      const peeked = await waitFor(
        () => queue.peekDeadLetters!(10),
        (letters) => letters.length >= 2,
        'two dead letters',
        arrival,
      );
      assert.deepEqual(peeked.slice(0, 2), [first, poison]);
      assert.equal((await queue.peekDeadLetters(1)).length, 1, 'limit is honoured');
      assert.equal((await queue.peekDeadLetters(10)).length, peeked.length, 'peeking does not remove');
    }),
  );
}
