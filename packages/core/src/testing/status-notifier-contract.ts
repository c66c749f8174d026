import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { StatusEvent, StatusNotifier } from '../ports/status-notifier.js';
import {
  type BaseHarness,
  type ContractIt,
  caseNeeding,
  type Lacks,
  waitFor,
  withHarness,
} from './contract-runner.js';

/** What `makeNotifier` returns for each case. */
export interface StatusNotifierHarness extends BaseHarness<StatusNotifier> {
  /** Every event the receiving end has taken so far (e.g. parsed webhook bodies), in order. */
  received(): Promise<StatusEvent[]>;
  /**
   * Makes the receiving end fail (answer 5xx, refuse connections) until `restoreReceiver`.
   * Both are required unless `lacks.receiverOutage` is declared.
   */
  breakReceiver?(): Promise<void>;
  restoreReceiver?(): Promise<void>;
}

export interface StatusNotifierContractOptions {
  lacks?: Lacks<'receiverOutage'>;
  /** How long an event may take to reach the receiver (including background retries). Default 10000 ms. */
  arrivalTimeoutMs?: number;
  /** Longest `notify` may take to return, even when the receiver is failing. Default 1000 ms. */
  maxNotifyMs?: number;
}

const T = 'StatusNotifier:';

/** A final-status event with unique ids. */
export function sampleStatusEvent(overrides: Partial<StatusEvent> = {}): StatusEvent {
  const id = randomUUID();
  return {
    notification_id: id,
    request_id: `req-${id}`,
    status: 'delivered',
    error: null,
    attempts: 1,
    timestamp: '2030-01-01T00:00:00.000Z',
    metadata: { campaign: 'spring', nested: { ok: true } },
    correlation_id: `corr-${id}`,
    ...overrides,
  };
}

/** The behaviour every StatusNotifier must show; see StatusNotifierHarness. */
export function statusNotifierContract(
  it: ContractIt,
  makeNotifier: () => Promise<StatusNotifierHarness>,
  options: StatusNotifierContractOptions = {},
): void {
  const lacks = options.lacks ?? {};
  const arrival = options.arrivalTimeoutMs ?? 10_000;
  const maxNotifyMs = options.maxNotifyMs ?? 1000;
  const run = (body: (notifier: StatusNotifier, harness: StatusNotifierHarness) => Promise<void>) => () =>
    withHarness(makeNotifier, (harness) => body(harness.subject, harness));

  it(
    `${T} a delivered event reaches the receiver with every field`,
    run(async (notifier, harness) => {
      const event = sampleStatusEvent();
      await notifier.notify(event);
      const got = await arrivedFor(harness, event.request_id, arrival);
      assert.deepEqual(got, event);
    }),
  );

  it(
    `${T} a failed event carries its error and attempts`,
    run(async (notifier, harness) => {
      const event = sampleStatusEvent({ status: 'failed', error: '550 5.1.1 mailbox unknown', attempts: 5 });
      await notifier.notify(event);
      const got = await arrivedFor(harness, event.request_id, arrival);
      assert.deepEqual(got, event);
    }),
  );

  caseNeeding(
    it,
    lacks,
    'receiverOutage',
    `${T} notify returns promptly and never throws while the receiver fails, and the event arrives later`,
    run(async (notifier, harness) => {
      assert.ok(
        harness.breakReceiver && harness.restoreReceiver,
        'breakReceiver/restoreReceiver are required',
      );
      await harness.breakReceiver();
      const event = sampleStatusEvent();
      const started = Date.now();
      await notifier.notify(event);
      const took = Date.now() - started;
      assert.ok(took <= maxNotifyMs, `notify took ${took} ms with the receiver down (limit ${maxNotifyMs})`);
      await harness.restoreReceiver();
      const got = await arrivedFor(harness, event.request_id, arrival);
      assert.deepEqual(got, event);
    }),
  );
}

async function arrivedFor(harness: StatusNotifierHarness, requestId: string, timeoutMs: number) {
  const events = await waitFor(
    () => harness.received(),
    (list) => list.some((e) => e.request_id === requestId),
    `the event for ${requestId}`,
    timeoutMs,
  );
  return events.find((e) => e.request_id === requestId)!;
}
