import { messageIdFor, NotifyError, type QueueMessage } from '@notify/email-core';
import { describe, expect, it } from 'vitest';
import { type Harness, harnessStoppedAfterEach, rejectionOf } from './use-case-harness.js';

/** The message was handed back to the queue because another claim holds the record. */
async function busy(processing: Promise<unknown>): Promise<boolean> {
  const error = await rejectionOf(processing);
  return NotifyError.is(error) && error.code === 'UNAVAILABLE' && /held by another claim/.test(error.message);
}

const harness = harnessStoppedAfterEach();

const transient = () => new NotifyError('SMTP_TRANSIENT', '421 4.3.2 try again later', { responseCode: 421 });
const permanent = () => new NotifyError('SMTP_PERMANENT', '550 5.1.1 no such user', { responseCode: 550 });

/** Publishes that retries and deferrals made (the outbox's own accept publishes excluded). */
function delayedPublishes(h: Harness, requestId: string) {
  return h.queue.published.filter((p) => p.message.requestId === requestId && p.delayMs > 0);
}

describe('processNotification: outcomes', () => {
  it('delivers: rendered, deterministic Message-ID, tracing headers, stored, callback sent', async () => {
    const h = harness();
    const message = await h.accept({ request_id: 'deliver-1', metadata: { order: 1 } });
    expect(await h.engine.processNotification(message)).toBe('delivered');
    expect(h.transport.sent).toHaveLength(1);
    const mail = h.transport.sent[0]!;
    expect(mail).toMatchObject({
      from: 'Notify <no-reply@mail.example.test>',
      to: 'ada@example.test',
      subject: 'Welcome, Ada',
      html: '<p>Hello Ada</p>',
      text: 'Hello Ada',
      messageId: messageIdFor('deliver-1', 'mail.example.test'),
      headers: { 'X-Request-ID': 'deliver-1', 'X-Correlation-ID': 'corr-1' },
    });
    const stored = await h.store.getByRequestId('deliver-1');
    expect(stored).toMatchObject({ status: 'delivered', attempts: 1, leaseOwner: null, error: null });
    expect(stored?.deliveredAt?.getTime()).toBe(h.clock.now().getTime());
    expect(stored?.history.map((e) => e.outcome)).toEqual(['delivered']);
    expect(h.notifier.events).toEqual([
      expect.objectContaining({
        notification_id: message.taskId,
        request_id: 'deliver-1',
        status: 'delivered',
        error: null,
        attempts: 1,
        metadata: { order: 1 },
        correlation_id: 'corr-1',
      }),
    ]);
  });

  it('on a 4xx stores retrying and republishes with a backoff delay', async () => {
    const h = harness();
    const message = await h.accept({ request_id: 'soft-1' });
    await h.engine.flushOutbox();
    const before = h.queue.published.length;
    h.transport.failNext(transient());
    expect(await h.engine.processNotification(message)).toBe('retrying');
    const stored = await h.store.getByRequestId('soft-1');
    expect(stored).toMatchObject({
      status: 'retrying',
      attempts: 1,
      errorCode: 'SMTP_TRANSIENT',
      leaseOwner: null,
    });
    expect(stored?.publishedAt).not.toBeNull();
    // Exactly one republish; first retry: full jitter within [0, 2000] ms; nextAttemptAt says when.
    const republished = h.queue.published.slice(before);
    expect(republished).toHaveLength(1);
    const published = republished[0]!;
    expect(published.message).toMatchObject({
      requestId: 'soft-1',
      taskId: message.taskId,
      correlationId: 'corr-1',
    });
    expect(published.delayMs).toBeGreaterThanOrEqual(0);
    expect(published.delayMs).toBeLessThanOrEqual(2_000);
    expect(stored!.nextAttemptAt!.getTime() - h.clock.now().getTime()).toBe(published.delayMs);
    expect(h.notifier.events).toHaveLength(0);
    // The retry is claimable and delivers.
    expect(await h.engine.processNotification(message)).toBe('delivered');
    expect((await h.store.getByRequestId('soft-1'))?.attempts).toBe(2);
  });

  it('on a 5xx fails at once: failed, dead letter with error and timestamps, callback', async () => {
    const h = harness();
    const message = await h.accept({ request_id: 'hard-1' });
    await h.engine.flushOutbox();
    const before = h.queue.published.length;
    h.transport.failNext(permanent());
    expect(await h.engine.processNotification(message)).toBe('failed');
    const stored = await h.store.getByRequestId('hard-1');
    expect(stored).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'SMTP_PERMANENT' });
    expect(h.queue.deadLetters).toEqual([
      {
        requestId: 'hard-1',
        taskId: message.taskId,
        correlationId: 'corr-1',
        errorCode: 'SMTP_PERMANENT',
        error: '550 5.1.1 no such user',
        attempts: 1,
        firstAttemptAt: h.clock.now(),
        failedAt: h.clock.now(),
      },
    ]);
    expect(h.notifier.events).toEqual([
      expect.objectContaining({ status: 'failed', error: '550 5.1.1 no such user', attempts: 1 }),
    ]);
    expect(h.queue.published.slice(before)).toHaveLength(0);
  });

  it('fails with RETRIES_EXHAUSTED after the first attempt plus maxRetries', async () => {
    const h = harness({ options: { maxRetries: 2 } });
    const message = await h.accept({ request_id: 'tired-1' });
    await h.engine.flushOutbox();
    const before = h.queue.published.length;
    h.transport.failNext(transient(), 3);
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(await h.engine.processNotification(message));
      h.clock.advance(5_000);
    }
    expect(outcomes).toEqual(['retrying', 'retrying', 'failed']);
    expect(h.transport.attempts).toHaveLength(3);
    const stored = await h.store.getByRequestId('tired-1');
    expect(stored).toMatchObject({ status: 'failed', attempts: 3, errorCode: 'RETRIES_EXHAUSTED' });
    expect(stored?.history.map((e) => e.outcome)).toEqual(['retrying', 'retrying', 'failed']);
    const [dead] = h.queue.deadLetters;
    expect(dead).toMatchObject({ errorCode: 'RETRIES_EXHAUSTED', attempts: 3 });
    expect(dead?.error).toContain('SMTP_TRANSIENT');
    // First attempt and failure are 10 s apart on the manual clock.
    expect(dead!.failedAt.getTime() - dead!.firstAttemptAt!.getTime()).toBe(10_000);
    expect(h.queue.published.slice(before)).toHaveLength(2);
    expect(h.notifier.events.map((e) => e.status)).toEqual(['failed']);
  });

  it('fails a missing template variable permanently without sending', async () => {
    const h = harness();
    const message = await h.accept({ request_id: 'novar-1', variables: { email: 'ada@example.test' } });
    expect(await h.engine.processNotification(message)).toBe('failed');
    expect(h.transport.attempts).toHaveLength(0);
    expect(await h.store.getByRequestId('novar-1')).toMatchObject({
      status: 'failed',
      errorCode: 'TEMPLATE_VARIABLE_MISSING',
    });
    expect(h.queue.deadLetters[0]?.errorCode).toBe('TEMPLATE_VARIABLE_MISSING');
  });

  it('fails an unknown template permanently, and retries an unavailable template source', async () => {
    const h = harness();
    const unknown = await h.accept({ request_id: 'tpl-1', template_code: 'nope' });
    expect(await h.engine.processNotification(unknown)).toBe('failed');
    expect(h.queue.deadLetters[0]?.errorCode).toBe('TEMPLATE_NOT_FOUND');
    const later = await h.accept({ request_id: 'tpl-2' });
    h.templates.setAvailable(false);
    expect(await h.engine.processNotification(later)).toBe('retrying');
    expect((await h.store.getByRequestId('tpl-2'))?.errorCode).toBe('TEMPLATE_SOURCE_UNAVAILABLE');
    // A raw network error from a template source is the source's trouble, not SMTP's.
    const raw = await h.accept({ request_id: 'tpl-3' });
    h.templates.get = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    };
    expect(await h.engine.processNotification(raw)).toBe('retrying');
    expect((await h.store.getByRequestId('tpl-3'))?.errorCode).toBe('TEMPLATE_SOURCE_UNAVAILABLE');
    expect(h.engine.breakerState()).toBe('closed');
  });

  it('dead-letters a message for an unknown request_id', async () => {
    const h = harness();
    const ghost: QueueMessage = {
      requestId: 'ghost',
      taskId: 't-ghost',
      priority: 10,
      correlationId: 'c-ghost',
    };
    expect(await h.engine.processNotification(ghost)).toBe('dead-lettered');
    expect(h.queue.deadLetters).toEqual([
      expect.objectContaining({
        requestId: 'ghost',
        taskId: 't-ghost',
        errorCode: 'UNKNOWN_NOTIFICATION',
        attempts: 0,
      }),
    ]);
    expect(h.transport.attempts).toHaveLength(0);
  });

  it('skips a record that is already delivered (a duplicate message sends nothing)', async () => {
    const h = harness();
    const message = await h.accept();
    expect(await h.engine.processNotification(message)).toBe('delivered');
    expect(await h.engine.processNotification(message)).toBe('skipped');
    expect(h.transport.attempts).toHaveLength(1);
  });

  it('lets a store outage surface so the queue redelivers', async () => {
    const h = harness();
    const message = await h.accept();
    h.store.setAvailable(false);
    const error = await rejectionOf(h.engine.processNotification(message));
    expect(NotifyError.is(error) && error.code).toBe('STORE_UNAVAILABLE');
    h.store.setAvailable(true);
    expect(await h.engine.processNotification(message)).toBe('delivered');
  });
});

describe('processNotification: the claim', () => {
  it('cannot claim what another worker holds; can reclaim once its lease expired', async () => {
    const h = harness({ options: { leaseMs: 60_000 } });
    const message = await h.accept({ request_id: 'lease-1' });
    const other = await h.store.claim({
      requestId: 'lease-1',
      owner: 'worker-b',
      now: h.clock.now(),
      leaseMs: 60_000,
    });
    expect(other?.status).toBe('processing');
    // Under a live lease the message goes back to the queue (thrown), never dropped.
    expect(await busy(h.engine.processNotification(message))).toBe(true);
    h.clock.advance(59_999);
    expect(await busy(h.engine.processNotification(message))).toBe(true);
    expect(h.transport.attempts).toHaveLength(0);
    h.clock.advance(1);
    expect(await h.engine.processNotification(message)).toBe('delivered');
    // worker-b comes back from the dead: its guarded write finds the lease gone.
    expect(
      await h.store.update(
        'lease-1',
        { status: ['processing'], leaseOwner: 'worker-b' },
        { status: 'failed' },
      ),
    ).toBeNull();
    expect((await h.store.getByRequestId('lease-1'))?.status).toBe('delivered');
  });

  it('lets only one of two concurrent deliveries of the same message send', async () => {
    const h = harness();
    const message = await h.accept();
    h.transport.latencyMs = 20;
    const outcomes = await Promise.allSettled([
      h.engine.processNotification(message),
      h.engine.processNotification(message),
    ]);
    // The loser meets the winner's live lease and hands its copy back to the queue.
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'handed back')).sort()).toEqual([
      'delivered',
      'handed back',
    ]);
    expect(h.transport.attempts).toHaveLength(1);
  });
});

describe('processNotification: breaker open', () => {
  it('defers without counting an attempt, until the breaker lets a trial through', async () => {
    const h = harness({ options: { breaker: { failureThreshold: 2, resetTimeoutMs: 45_000 } } });
    const first = await h.accept({ request_id: 'blip-1' });
    const second = await h.accept({ request_id: 'blip-2' });
    const third = await h.accept({ request_id: 'blip-3' });
    h.transport.failNext(transient(), 2);
    expect(await h.engine.processNotification(first)).toBe('retrying');
    expect(await h.engine.processNotification(second)).toBe('retrying');
    expect(h.engine.breakerState()).toBe('open');

    expect(await h.engine.processNotification(third)).toBe('deferred');
    expect(h.transport.attempts).toHaveLength(2);
    const stored = await h.store.getByRequestId('blip-3');
    expect(stored).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null });
    expect(stored?.history.map((e) => e.outcome)).toEqual(['deferred']);
    const [deferral] = delayedPublishes(h, 'blip-3');
    expect(deferral?.delayMs).toBeGreaterThan(44_000);
    expect(deferral?.delayMs).toBeLessThanOrEqual(45_000);

    // An hour-long outage defers again and again and never spends the attempt budget.
    for (let i = 0; i < 10; i++) expect(await h.engine.processNotification(third)).toBe('deferred');
    expect((await h.store.getByRequestId('blip-3'))?.attempts).toBe(0);
    expect(h.queue.deadLetters).toHaveLength(0);
  });

  it('does not count a failed half-open trial: a long outage never fails the message in front', async () => {
    const h = harness({ options: { maxRetries: 1, breaker: { failureThreshold: 1, resetTimeoutMs: 30 } } });
    h.transport.failNext(transient());
    expect(await h.engine.processNotification(await h.accept({ request_id: 'opener' }))).toBe('retrying');
    const front = await h.accept({ request_id: 'front-of-line' });
    // Probe after probe fails, and this message is the trial each time.
    for (let probe = 0; probe < 4; probe++) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect(h.engine.breakerState()).toBe('half-open');
      h.transport.failNext(transient());
      expect(await h.engine.processNotification(front)).toBe('deferred');
    }
    expect(await h.store.getByRequestId('front-of-line')).toMatchObject({ status: 'queued', attempts: 0 });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await h.engine.processNotification(front)).toBe('delivered');
  });

  it('is not opened by permanent 5xx failures', async () => {
    const h = harness({ options: { breaker: { failureThreshold: 2 } } });
    h.transport.failNext(permanent(), 3);
    for (let i = 0; i < 3; i++) expect(await h.engine.processNotification(await h.accept())).toBe('failed');
    expect(h.engine.breakerState()).toBe('closed');
    expect(await h.engine.processNotification(await h.accept())).toBe('delivered');
  });
});

describe('processNotification: crash points', () => {
  it('a retry whose republish fails leaves the record leased, and recovery brings it back', async () => {
    const h = harness({ options: { leaseMs: 30_000, breaker: { timeoutMs: 10_000 } } });
    const message = await h.accept({ request_id: 'crash-1' });
    await h.engine.flushOutbox();
    h.transport.failNext(transient());
    h.queue.setAvailable(false);
    const error = await rejectionOf(h.engine.processNotification(message));
    expect(NotifyError.is(error) && error.code).toBe('QUEUE_UNAVAILABLE');
    expect((await h.store.getByRequestId('crash-1'))?.status).toBe('processing');
    h.queue.setAvailable(true);
    // The redelivered message finds the live lease and goes back to the queue…
    expect(await busy(h.engine.processNotification(message))).toBe(true);
    expect(await h.engine.recoverStranded()).toBe(0);
    // …and once the lease expires, recovery hands the record back and republishes it.
    h.clock.advance(30_000);
    const before = h.queue.published.length;
    expect(await h.engine.recoverStranded()).toBe(1);
    expect(h.queue.published.slice(before).map((p) => p.message.requestId)).toEqual(['crash-1']);
    const handedBack = await h.store.getByRequestId('crash-1');
    expect(handedBack).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null });
    expect(handedBack?.history.map((e) => e.outcome)).toEqual(['deferred']);
    expect(await h.engine.recoverStranded()).toBe(0);
    expect(await h.engine.processNotification(message)).toBe('delivered');
  });

  it('a deferral whose message comes back before the record is stored is handed back, not dropped', async () => {
    const h = harness({ options: { breaker: { failureThreshold: 1, resetTimeoutMs: 45_000 } } });
    h.transport.failNext(transient());
    expect(await h.engine.processNotification(await h.accept({ request_id: 'opens-breaker' }))).toBe(
      'retrying',
    );
    const message = await h.accept({ request_id: 'early-copy' });
    const publish = h.queue.publish.bind(h.queue);
    let early: unknown;
    h.queue.publish = async (messages, options) => {
      await publish(messages, options);
      // Another worker consumes the deferral's message before the deferring worker stores `queued`.
      if (early === undefined && messages.some((m) => m.requestId === 'early-copy')) {
        early = await h.engine.processNotification(message).catch((error: unknown) => error);
      }
    };
    expect(await h.engine.processNotification(message)).toBe('deferred');
    // Skipping (acking) that copy would leave the record queued and marked published with no
    // message anywhere; it must go back to the queue instead.
    expect(NotifyError.is(early) && early.code).toBe('UNAVAILABLE');
    expect(await h.store.getByRequestId('early-copy')).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('a copy that lost the claim race to a holder already done hands back, not skips', async () => {
    const h = harness();
    const message = await h.accept({ request_id: 'lost-race' });
    const claim = h.store.claim.bind(h.store);
    // Another worker claimed and handed the record back (deferred) between our claim and re-read.
    h.store.claim = async () => null;
    const error = await rejectionOf(h.engine.processNotification(message));
    expect(NotifyError.is(error) && error.code).toBe('UNAVAILABLE');
    h.store.claim = claim;
    expect(await h.engine.processNotification(message)).toBe('delivered');
  });

  it('a store outage while recording a sent email is waited out within the lease: sent once', async () => {
    const h = harness();
    const message = await h.accept({ request_id: 'sent-store-blip' });
    const update = h.store.update.bind(h.store);
    let failures = 0;
    h.store.update = async (...args) => {
      if (failures < 2) {
        failures += 1;
        throw new NotifyError('STORE_UNAVAILABLE', 'connection lost');
      }
      return update(...args);
    };
    expect(await h.engine.processNotification(message)).toBe('delivered');
    expect(failures).toBe(2);
    expect(h.transport.attempts).toHaveLength(1);
    expect((await h.store.getByRequestId('sent-store-blip'))?.status).toBe('delivered');
  });

  it('a store failure outlasting the lease while recording delivery surfaces; never a resend', async () => {
    // A short lease: the write is retried for as long as the claim lasts, then given up.
    const h = harness({ options: { leaseMs: 600, breaker: { timeoutMs: 500 } } });
    const message = await h.accept({ request_id: 'sent-not-stored' });
    await h.engine.flushOutbox();
    const before = h.queue.published.length;
    const update = h.store.update.bind(h.store);
    h.store.update = async () => {
      throw new NotifyError('STORE_UNAVAILABLE', 'connection lost');
    };
    const error = await rejectionOf(h.engine.processNotification(message));
    expect(NotifyError.is(error) && error.code).toBe('STORE_UNAVAILABLE');
    h.store.update = update;
    expect(h.transport.sent).toHaveLength(1);
    expect(h.queue.published.slice(before)).toHaveLength(0);
    expect(h.queue.deadLetters).toHaveLength(0);
    // The redelivered message meets the live lease and sends nothing.
    expect(await busy(h.engine.processNotification(message))).toBe(true);
    expect(h.transport.attempts).toHaveLength(1);
  });
});
