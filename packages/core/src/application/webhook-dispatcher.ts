import { NotifyError } from '../domain/errors.js';
import { nextAttemptAfterFailure, outboundBody } from '../domain/webhook-delivery.js';
import { signingSecrets } from '../domain/webhook-endpoint.js';
import { signWebhook } from '../domain/webhook-signature.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type {
  ClaimedDelivery,
  DeliveryAttemptRecord,
  WebhookDeliveryStore,
} from '../ports/webhook-delivery-store.js';
import type { WebhookRequest, WebhookSender } from '../ports/webhook-sender.js';
import { statusCallbackEvent, statusCallbackId } from './status-callback.js';

export interface WebhookDispatcherOptions {
  /** One attempt's budget, in ms (`WEBHOOK_TIMEOUT_MS`). */
  timeoutMs: number;
  /** The delays after each failed attempt, in ms (`WEBHOOK_RETRY_SCHEDULE`). */
  retryScheduleMs: readonly number[];
  /** An endpoint failing this long is disabled, in ms (`WEBHOOK_DISABLE_AFTER`). */
  disableAfterMs: number;
  /** How often an idle dispatcher looks for due deliveries, in ms. */
  pollIntervalMs: number;
  /** Attempts in flight at once, per process. */
  concurrency: number;
  /** Lease owner: this process. */
  owner: string;
  /** `notify-email/<version>`. */
  userAgent: string;
}

/** The correlation id of a notification, for the status callback's payload; null when unknown. */
export type CorrelationLookup = (requestId: string) => Promise<string | null>;

/** An answer this long is kept in `last_error`, no more. */
const MAX_ERROR_LENGTH = 500;

/**
 * Sends the webhook outbox (docs/webhooks.md). It claims due deliveries (leased, so any number of
 * processes share them and none is sent twice while its lease holds), signs each attempt with
 * every secret valid now, sends it, and records the outcome under its lease. A process that dies
 * mid-attempt leaves the lease to expire, and the delivery is sent again: at least once. It runs
 * beside mail delivery and shares nothing with it but the store's pool, so a slow or dead
 * receiver costs mail nothing but its own bounded slots.
 */
export class WebhookDispatcher {
  readonly #deliveries: WebhookDeliveryStore;
  readonly #sender: WebhookSender;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #options: WebhookDispatcherOptions;
  /** Held longer than an attempt can take, so a live attempt is never taken over. */
  readonly #leaseMs: number;
  readonly #inFlight = new Set<Promise<void>>();
  #running = false;
  #claimFailing = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  readonly #correlationOf: CorrelationLookup;

  constructor(
    deliveries: WebhookDeliveryStore,
    sender: WebhookSender,
    clock: Clock,
    logger: Logger,
    options: WebhookDispatcherOptions,
    correlationOf: CorrelationLookup = async () => null,
  ) {
    this.#correlationOf = correlationOf;
    this.#deliveries = deliveries;
    this.#sender = sender;
    this.#clock = clock;
    this.#logger = logger.child({ component: 'webhook-dispatcher' });
    this.#options = options;
    this.#leaseMs = options.timeoutMs * 2 + 10_000;
  }

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops claiming and waits for the attempts in flight (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    await Promise.all(this.#inFlight);
  }

  /**
   * Claims and sends every delivery due now, up to `limit`, and waits for them: for tests and
   * admin tasks. Resolves with how many were attempted.
   */
  async dispatchDue(limit = 1000): Promise<number> {
    const claimed = await this.#claim(limit);
    await Promise.all(claimed.map((c) => this.#attempt(c)));
    return claimed.length;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const free = this.#options.concurrency - this.#inFlight.size;
      let claimed: ClaimedDelivery[] = [];
      if (free > 0) {
        try {
          claimed = await this.#claim(free);
          if (this.#claimFailing) this.#logger.info({}, 'Taking due webhook deliveries again');
          this.#claimFailing = false;
        } catch (error) {
          // Said once per outage, not at every poll.
          if (!this.#claimFailing) {
            this.#logger.warn(
              { err: error },
              'Could not take due webhook deliveries; trying again at every poll',
            );
          }
          this.#claimFailing = true;
        }
        for (const delivery of claimed) {
          const attempt = this.#attempt(delivery).finally(() => {
            this.#inFlight.delete(attempt);
            this.#wake?.();
          });
          this.#inFlight.add(attempt);
        }
      }
      // Every slot full: wait for one to free. Fewer due than free slots: wait for the next poll.
      if (this.#running && (free === 0 || claimed.length < free)) await this.#pause(free === 0);
    }
  }

  /** Until a slot frees (when `forSlot`), the poll interval passes, or stop. */
  #pause(forSlot: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.#options.pollIntervalMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#wake = undefined;
        resolve();
      }
      this.#wake = forSlot ? done : () => (this.#running ? undefined : done());
    });
  }

  #claim(limit: number): Promise<ClaimedDelivery[]> {
    return this.#deliveries.claimDue({
      now: this.#clock.now(),
      leaseMs: this.#leaseMs,
      limit,
      owner: this.#options.owner,
    });
  }

  /** The request of one attempt: the event as it is, or in the status callback's format. */
  async #request(claimed: ClaimedDelivery, now: Date): Promise<WebhookRequest> {
    const { endpoint, event } = claimed;
    const timestamp = Math.floor(now.getTime() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': this.#options.userAgent,
    };
    let id = event.id;
    let body: string;
    if (endpoint.kind === 'status-callback') {
      const requestId = String(event.data.request_id ?? '');
      const status = statusCallbackEvent(
        event,
        requestId === '' ? null : await this.#correlationOf(requestId),
      );
      id = statusCallbackId(status);
      body = JSON.stringify(status);
      if (status.correlation_id !== undefined) headers['x-correlation-id'] = status.correlation_id;
    } else body = outboundBody(event);
    headers['webhook-id'] = id;
    const secrets = signingSecrets(endpoint, now).filter((secret) => secret !== '');
    // The status callback goes unsigned without STATUS_CALLBACK_SECRET, as it always did.
    if (secrets.length > 0) {
      headers['webhook-timestamp'] = String(timestamp);
      headers['webhook-signature'] = secrets
        .map((secret) => signWebhook(secret, id, timestamp, body))
        .join(' ');
    }
    return {
      url: endpoint.url,
      headers,
      body,
      timeoutMs: this.#options.timeoutMs,
      ...(endpoint.kind === 'status-callback' ? { trusted: true } : {}),
    };
  }

  async #attempt(claimed: ClaimedDelivery): Promise<void> {
    const { delivery, endpoint, event } = claimed;
    let responseStatus: number | null = null;
    let error: string | null = null;
    const t0 = performance.now();
    try {
      const response = await this.#sender.send(await this.#request(claimed, this.#clock.now()));
      responseStatus = response.status;
      if (response.status < 200 || response.status > 299) error = `HTTP ${response.status}`;
    } catch (failure) {
      error = NotifyError.is(failure)
        ? `${failure.code}: ${failure.message}`
        : failure instanceof Error
          ? failure.message
          : String(failure);
    }
    const durationMs = Math.round(performance.now() - t0);
    const at = this.#clock.now();
    const attempt = delivery.attempts + 1;
    let next: DeliveryAttemptRecord['next'] = { status: 'succeeded' };
    if (error !== null) {
      const nextAttemptAt = nextAttemptAfterFailure(this.#options.retryScheduleMs, attempt, at);
      next = nextAttemptAt === null ? { status: 'failed' } : { status: 'pending', nextAttemptAt };
    }
    const context = {
      webhook_id: endpoint.id,
      delivery_id: delivery.id,
      event_id: event.id,
      event_type: event.type,
      attempt,
    };
    try {
      const recorded = await this.#deliveries.record(delivery.id, claimed.lease, {
        attempt: { at, responseStatus, durationMs, error: error?.slice(0, MAX_ERROR_LENGTH) ?? null },
        next,
        disableIfFailingSince: new Date(at.getTime() - this.#options.disableAfterMs),
      });
      if (!recorded) this.#logger.info(context, 'Webhook attempt not recorded: the delivery was taken over');
    } catch (failure) {
      // The lease expires and the delivery is sent again: at least once, never lost.
      this.#logger.warn(
        { ...context, err: failure },
        'Could not record a webhook attempt; it will be repeated',
      );
      return;
    }
    if (error === null) this.#logger.debug({ ...context, duration_ms: durationMs }, 'Webhook delivered');
    else {
      (next.status === 'failed' ? this.#logger.warn : this.#logger.info).call(
        this.#logger,
        { ...context, error, response_status: responseStatus, next_status: next.status },
        next.status === 'failed' ? 'Webhook delivery failed for good' : 'Webhook attempt failed; will retry',
      );
    }
  }
}
