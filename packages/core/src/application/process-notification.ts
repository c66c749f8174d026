import { randomUUID } from 'node:crypto';
import { classifyError } from '../domain/classify-error.js';
import { NotifyError } from '../domain/errors.js';
import type { EventType } from '../domain/events.js';
import type { Notification, NotificationPatch } from '../domain/notification.js';
import { assertTransition, isFinalStatus } from '../domain/status-machine.js';
import { type Logger, withBindings } from '../ports/logger.js';
import type { QueueMessage } from '../ports/notification-queue.js';
import type { Template } from '../ports/template-source.js';
import { messageIdFor } from '../rendering/message-id.js';
import type { EngineContext } from './engine-context.js';
import { notificationEvent } from './notification-events.js';
import { messageFor } from './outbox-relay.js';
import type { ProcessOutcome } from './views.js';

/**
 * Handles one queue message (docs/architecture.md, Delivery semantics 2–6). Resolves only after the outcome
 * is stored and any republish confirmed, so the caller may ack; a throw means "redeliver".
 *
 * Crash points, and why none strands a record:
 * - Killed after the claim: the record is `processing` with a lease; when the lease expires the
 *   recovery loop hands it back and republishes it.
 * - Retry / deferral: the delayed message is published (confirmed) *before* the record leaves
 *   `processing`. Killed in between, the lease expires as above; the extra message finds the
 *   record claimed or done and is skipped. Storing first would leave a `retrying` record whose
 *   message was never sent, visible only to the recovery loop after its grace period.
 * - Failure: the dead letter is written before the record becomes `failed`, because nothing ever
 *   revisits a final record; a crash in between at worst dead-letters it twice.
 * Every write is guarded by status `processing` and this claim's own lease token, so a worker that
 * lost its lease (expired, taken over) cannot overwrite the new owner's outcome.
 */
export async function processNotification(
  ctx: EngineContext,
  message: QueueMessage,
): Promise<ProcessOutcome> {
  const log = withBindings(ctx.logger, {
    request_id: message.requestId,
    task_id: message.taskId,
    correlation_id: message.correlationId,
  });
  // A fresh token per claim, so two deliveries of one message in the same process never share a lease.
  const leaseOwner = `${ctx.options.workerId}:${randomUUID()}`;
  const claimed = await ctx.store.claim({
    requestId: message.requestId,
    owner: leaseOwner,
    now: ctx.clock.now(),
    leaseMs: ctx.options.leaseMs,
  });
  if (claimed === null) return notClaimed(ctx, message, log);

  const run = new Attempt(ctx, claimed, leaseOwner, message, log);
  const breakerState = ctx.breaker.state();
  if (breakerState === 'open') return run.defer(ctx.breaker.retryAfterMs());
  const failure = await renderAndSend(ctx, claimed, run.correlationId, log);
  // Outside the send's try: a store failure while recording success must not become a "retry"
  // that sends the email again; it surfaces, and the lease-expiry path sorts it out.
  if (failure === null) return run.delivered();
  if (failure.code === 'CIRCUIT_OPEN') return run.defer(failure.retryAfterMs ?? ctx.breaker.retryAfterMs());
  // A half-open breaker's trial that fails says the outage goes on, nothing about this message.
  // Counting it would fail whichever message keeps being first in line when the breaker probes
  // (deferred messages come back in step with its reset), after a few probes of a long outage.
  if (breakerState === 'half-open' && failure.retryable) return run.defer(ctx.breaker.retryAfterMs());
  if (failure.retryable && ctx.retryPolicy.hasRetriesLeft(claimed.attempts + 1)) return run.retry(failure);
  return run.fail(failure);
}

/** Renders and sends one attempt; null when the SMTP server accepted it, else the classified error. */
async function renderAndSend(
  ctx: EngineContext,
  record: Notification,
  correlationId: string,
  log: Logger,
): Promise<NotifyError | null> {
  let template: Template;
  try {
    template = await ctx.templates.get(record.templateCode);
  } catch (thrown) {
    return classifyError(thrown, {
      transientCode: 'TEMPLATE_SOURCE_UNAVAILABLE',
      timeoutCode: 'TEMPLATE_SOURCE_UNAVAILABLE',
    });
  }
  try {
    const rendered = ctx.renderer.render(template, record.variables);
    const sent = await ctx.breaker.send({
      from: ctx.options.from,
      to: record.toEmail,
      subject: rendered.subject,
      ...(rendered.html === undefined ? {} : { html: rendered.html }),
      ...(rendered.text === undefined ? {} : { text: rendered.text }),
      messageId: messageIdFor(record.requestId, ctx.options.fromDomain),
      headers: {
        'X-Request-ID': record.requestId,
        'X-Correlation-ID': correlationId,
      },
    });
    // Debug: the host writes the one info line per message (the worker's `Notification
    // processed`, with the outcome); a second one per delivered email cost CPU at every send.
    log.debug({ attempt: record.attempts + 1, smtp_response: sent.response }, 'Notification delivered');
    return null;
  } catch (thrown) {
    return classifyError(thrown);
  }
}

/**
 * Why a message could not be claimed: unknown (dead-letter it), already final (skip it), or held
 * by another claim (hand it back to the queue for later).
 */
async function notClaimed(ctx: EngineContext, message: QueueMessage, log: Logger): Promise<ProcessOutcome> {
  const existing = await ctx.store.getByRequestId(message.requestId);
  if (existing === null) {
    await ctx.queue.deadLetter({
      requestId: message.requestId,
      taskId: message.taskId,
      correlationId: message.correlationId,
      errorCode: 'UNKNOWN_NOTIFICATION',
      error: `No notification with request_id '${message.requestId}'`,
      attempts: 0,
      firstAttemptAt: null,
      failedAt: ctx.clock.now(),
    });
    log.warn({}, 'Queue message for an unknown notification dead-lettered');
    return 'dead-lettered';
  }
  if (!isFinalStatus(existing.status)) {
    // Another claim holds the record, or held it a moment ago. The holder may be handing it back
    // through this very message: a deferral or retry publishes before it stores `queued` /
    // `retrying`, and a short delay (a breaker about to half-open answers 0) brings the message
    // back first, even before that write. Dropping it would strand the record, `queued` and
    // marked published with no message anywhere, out of the recovery loop's sight. So it goes
    // back to the queue and is looked at again: then the record is final (skipped), claimable,
    // or its lease has expired (reclaimed).
    throw new NotifyError(
      'UNAVAILABLE',
      `Notification '${message.requestId}' is held by another claim; the message is redelivered later`,
    );
  }
  log.debug({ status: existing.status }, 'Notification already final; duplicate message skipped');
  return 'skipped';
}

/** The outcomes of one claimed attempt, each a guarded write plus its side effects. */
class Attempt {
  private readonly attempt: number;
  /** The message's, or the record's when the message carries none. */
  readonly correlationId: string;

  constructor(
    private readonly ctx: EngineContext,
    private readonly record: Notification,
    private readonly leaseOwner: string,
    message: QueueMessage,
    private readonly log: Logger,
  ) {
    this.attempt = record.attempts + 1;
    this.correlationId = message.correlationId || record.correlationId;
  }

  async delivered(): Promise<ProcessOutcome> {
    const now = this.ctx.clock.now();
    const stored = await this.writeWhileLeased('notification.delivered', null, {
      status: 'delivered',
      attempts: this.attempt,
      error: null,
      errorCode: null,
      deliveredAt: now,
      nextAttemptAt: null,
      appendHistory: { attempt: this.attempt, at: now, outcome: 'delivered' },
    });
    if (stored === null) return 'skipped';
    await this.notify(stored, 'delivered', null);
    return 'delivered';
  }

  /** The breaker is open: hand the record back uncounted and come back when it lets a trial through. */
  async defer(delayMs: number): Promise<ProcessOutcome> {
    await this.ctx.queue.publish([this.queueMessage()], { delayMs });
    const now = this.ctx.clock.now();
    const stored = await this.write(
      'notification.deferred',
      { code: 'CIRCUIT_OPEN', message: 'SMTP circuit breaker open' },
      {
        status: 'queued',
        publishedAt: now,
        nextAttemptAt: new Date(now.getTime() + delayMs),
        appendHistory: {
          attempt: this.attempt,
          at: now,
          outcome: 'deferred',
          errorCode: 'CIRCUIT_OPEN',
          error: 'SMTP circuit breaker open',
        },
      },
    );
    this.log.info(
      { delay_ms: delayMs },
      'SMTP circuit open; notification deferred without counting an attempt',
    );
    return stored === null ? 'skipped' : 'deferred';
  }

  async retry(error: NotifyError): Promise<ProcessOutcome> {
    const delayMs = this.ctx.retryPolicy.nextDelayMs(this.attempt);
    await this.ctx.queue.publish([this.queueMessage()], { delayMs });
    const now = this.ctx.clock.now();
    const stored = await this.write(
      'notification.deferred',
      { code: error.code, message: error.message },
      {
        status: 'retrying',
        attempts: this.attempt,
        error: error.message,
        errorCode: error.code,
        publishedAt: now,
        nextAttemptAt: new Date(now.getTime() + delayMs),
        appendHistory: {
          attempt: this.attempt,
          at: now,
          outcome: 'retrying',
          errorCode: error.code,
          error: error.message,
        },
      },
    );
    this.log.warn(
      { attempt: this.attempt, error_code: error.code, err: error, delay_ms: delayMs },
      'Transient failure; retry scheduled',
    );
    return stored === null ? 'skipped' : 'retrying';
  }

  async fail(cause: NotifyError): Promise<ProcessOutcome> {
    const exhausted = cause.retryable;
    const errorCode = exhausted ? 'RETRIES_EXHAUSTED' : cause.code;
    const error = exhausted
      ? `Retries exhausted after ${this.attempt} attempts; last error ${cause.code}: ${cause.message}`
      : cause.message;
    const now = this.ctx.clock.now();
    await this.ctx.queue.deadLetter({
      requestId: this.record.requestId,
      taskId: this.record.id,
      correlationId: this.correlationId,
      errorCode,
      error,
      attempts: this.attempt,
      firstAttemptAt: firstAttemptAt(this.record) ?? now,
      failedAt: now,
    });
    const stored = await this.write(
      'notification.failed',
      { code: errorCode, message: error },
      {
        status: 'failed',
        attempts: this.attempt,
        error,
        errorCode,
        nextAttemptAt: null,
        appendHistory: { attempt: this.attempt, at: now, outcome: 'failed', errorCode, error },
      },
    );
    this.log.error({ attempt: this.attempt, error_code: errorCode, err: cause }, 'Notification failed');
    if (stored === null) return 'skipped';
    await this.notify(stored, 'failed', error);
    return 'failed';
  }

  /**
   * The email is out, so this write is what stands between one send and two: given up, the
   * lease runs out and the notification is sent again. So a store outage is waited out, with
   * backoff, for as long as this claim's lease lasts (real time: the wait is real); then the
   * error surfaces and the lease-expiry path takes over.
   */
  private async writeWhileLeased(
    type: EventType,
    detail: Record<string, unknown> | null,
    patch: NotificationPatch,
  ): Promise<Notification | null> {
    const leaseLeftMs = (this.record.leaseUntil?.getTime() ?? 0) - this.ctx.clock.now().getTime();
    const giveUpAt = Date.now() + leaseLeftMs;
    for (let pauseMs = 100; ; pauseMs = Math.min(pauseMs * 2, 2_000)) {
      try {
        return await this.write(type, detail, patch);
      } catch (error) {
        const outage = NotifyError.is(error) && error.code === 'STORE_UNAVAILABLE';
        if (!outage || Date.now() + pauseMs >= giveUpAt) throw error;
        this.log.warn(
          { err: error, pause_ms: pauseMs },
          'Store unavailable while recording a sent email; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
  }

  /**
   * The guarded write every outcome goes through, with its event (written only if the write is);
   * null when this claim no longer holds the record.
   */
  private async write(
    type: EventType,
    detail: Record<string, unknown> | null,
    patch: NotificationPatch,
  ): Promise<Notification | null> {
    if (patch.status !== undefined) assertTransition('processing', patch.status);
    const now = this.ctx.clock.now();
    const full: NotificationPatch = { ...patch, leaseOwner: null, leaseUntil: null, updatedAt: now };
    const stored = await this.ctx.store.update(
      this.record.requestId,
      { status: ['processing'], leaseOwner: this.leaseOwner },
      { ...full, event: notificationEvent(type, this.record, full, detail, now) },
    );
    if (stored === null) {
      this.log.warn(
        { status: patch.status },
        'Lease lost before the outcome was stored; the new owner decides',
      );
    }
    return stored;
  }

  private async notify(
    record: Notification,
    status: 'delivered' | 'failed',
    error: string | null,
  ): Promise<void> {
    if (this.ctx.notifier === undefined) return;
    try {
      await this.ctx.notifier.notify({
        notification_id: record.id,
        request_id: record.requestId,
        status,
        error,
        attempts: record.attempts,
        timestamp: this.ctx.clock.now().toISOString(),
        metadata: record.metadata,
        correlation_id: this.correlationId,
      });
    } catch (thrown) {
      // The port promises never to throw; if one does anyway, delivery must not be undone by it.
      this.log.warn({ err: thrown }, 'Status callback failed');
    }
  }

  private queueMessage(): QueueMessage {
    return { ...messageFor(this.record), correlationId: this.correlationId };
  }
}

/** When the current attempt budget's first attempt ran: after the last replay, if any. */
function firstAttemptAt(record: Notification): Date | null {
  let first: Date | null = null;
  for (const entry of record.history) {
    if (entry.outcome === 'replayed') first = null;
    else if (entry.outcome !== 'deferred' && first === null) first = entry.at;
  }
  return first;
}
