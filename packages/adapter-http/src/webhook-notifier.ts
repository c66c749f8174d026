import {
  type Logger,
  NotifyError,
  type StatusEvent,
  type StatusNotifier,
  signWebhook,
  silentLogger,
  statusCallbackId,
} from '@notify/email-core';
import {
  configError,
  describeFetchError,
  headersOption,
  httpUrl,
  integerOption,
  isTimeout,
} from './config-error.js';

const C = 'Webhook notifier';

export interface WebhookNotifierOptions {
  /** Where each final status is POSTed (docs/api.md, Status callbacks). */
  url: string;
  /**
   * Signs deliveries the Standard Webhooks way when set: `whsec_<base64>` (decoded) or any
   * other string (used as is). Receivers check with `verifyWebhookSignature`.
   */
  secret?: string;
  /** Milliseconds one POST may take. Default 5 000. */
  timeoutMs?: number;
  retry?: {
    /** Attempts per event, the first included. Default 6. */
    attempts?: number;
    /** Delay before the second attempt, in ms; doubled each time. Default 1 000. */
    initialDelayMs?: number;
    /** Longest delay between attempts, in ms. Default 60 000. */
    maxDelayMs?: number;
  };
  /** Events waiting or being retried at most; beyond it new events are dropped (and logged). Default 1 000. */
  queueSize?: number;
  /** Deliveries in flight at once. Default 4. */
  concurrency?: number;
  /** How long `close()` waits for pending deliveries, in ms. Default 5 000. */
  closeTimeoutMs?: number;
  /** Extra request headers, e.g. `Authorization`. */
  headers?: Record<string, string>;
  /** Where dropped and abandoned events are reported. Default: silent. */
  logger?: Logger;
  /** The fetch implementation. Default: global fetch. */
  fetch?: typeof fetch;
}

interface Job {
  event: StatusEvent;
  body: string;
  id: string;
  attempt: number;
}

/** Stable per outcome (a digest of it), so a receiver can de-duplicate: the core's statusCallbackId. */
export const webhookIdFor: (event: StatusEvent) => string = statusCallbackId;

/**
 * StatusNotifier that POSTs each event to a webhook in the background. `notify` only enqueues:
 * delivery never waits for, nor fails because of, the receiver. Network errors, timeouts, 5xx
 * and 429 are retried with exponential backoff (honouring Retry-After); other answers end it.
 */
export class WebhookNotifier implements StatusNotifier {
  readonly #url: string;
  readonly #secret: string | undefined;
  readonly #timeoutMs: number;
  readonly #attempts: number;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #queueSize: number;
  readonly #concurrency: number;
  readonly #closeTimeoutMs: number;
  readonly #headers: Record<string, string>;
  readonly #logger: Logger;
  readonly #fetch: typeof fetch;
  readonly #ready: Job[] = [];
  readonly #waiting = new Map<NodeJS.Timeout, Job>();
  readonly #abort = new AbortController();
  readonly #idleWaiters = new Set<() => void>();
  #active = 0;
  #closing = false;
  #dropped = 0;

  constructor(options: WebhookNotifierOptions) {
    if (typeof options !== 'object' || options === null) throw configError(C, 'options', 'must be an object');
    httpUrl(C, 'url', options.url);
    this.#url = options.url;
    if (options.secret !== undefined && (typeof options.secret !== 'string' || options.secret === '')) {
      throw configError(C, 'secret', 'must be a non-empty string');
    }
    this.#secret = options.secret;
    this.#timeoutMs = integerOption(C, 'timeoutMs', options.timeoutMs, 5_000);
    const retry = options.retry ?? {};
    this.#attempts = integerOption(C, 'retry.attempts', retry.attempts, 6, 1, 100);
    this.#initialDelayMs = integerOption(C, 'retry.initialDelayMs', retry.initialDelayMs, 1_000, 0);
    this.#maxDelayMs = integerOption(C, 'retry.maxDelayMs', retry.maxDelayMs, 60_000, 0);
    this.#queueSize = integerOption(C, 'queueSize', options.queueSize, 1_000);
    this.#concurrency = integerOption(C, 'concurrency', options.concurrency, 4, 1, 256);
    this.#closeTimeoutMs = integerOption(C, 'closeTimeoutMs', options.closeTimeoutMs, 5_000, 0);
    this.#headers = headersOption(C, 'headers', options.headers);
    this.#logger = (options.logger ?? silentLogger).child({ component: 'webhook-notifier' });
    this.#fetch = options.fetch ?? fetch;
  }

  /** Events accepted but not yet delivered or abandoned. */
  get pending(): number {
    return this.#ready.length + this.#waiting.size + this.#active;
  }

  /** Events waiting out a backoff delay before their next attempt. */
  get retrying(): number {
    return this.#waiting.size;
  }

  /** Events refused because the queue was full or the notifier closed. */
  get dropped(): number {
    return this.#dropped;
  }

  async notify(event: StatusEvent): Promise<void> {
    if (this.#closing || this.pending >= this.#queueSize) {
      this.#dropped += 1;
      this.#logger.warn(
        { request_id: event?.request_id, status: event?.status, pending: this.pending },
        this.#closing
          ? 'status callback dropped: notifier is closed'
          : 'status callback dropped: queue is full',
      );
      return;
    }
    let body: string;
    try {
      body = JSON.stringify(event);
    } catch (error) {
      this.#logger.error(
        { request_id: event?.request_id, err: error },
        'status callback dropped: not serialisable',
      );
      return;
    }
    this.#ready.push({ event, body, id: webhookIdFor(event), attempt: 0 });
    this.#pump();
  }

  #pump(): void {
    while (this.#active < this.#concurrency && this.#ready.length > 0) {
      const job = this.#ready.shift()!;
      this.#active += 1;
      void this.#deliver(job).finally(() => {
        this.#active -= 1;
        this.#pump();
        if (this.pending === 0) for (const wake of this.#idleWaiters) wake();
      });
    }
  }

  async #deliver(job: Job): Promise<void> {
    job.attempt += 1;
    const outcome = await this.#post(job);
    if (outcome.ok) return;
    const context = { request_id: job.event.request_id, webhook_id: job.id, attempt: job.attempt };
    if (!outcome.retry || job.attempt >= this.#attempts || this.#closing) {
      this.#logger.warn({ ...context, error: outcome.error }, 'status callback abandoned');
      return;
    }
    const backoff = Math.min(this.#maxDelayMs, this.#initialDelayMs * 2 ** (job.attempt - 1));
    const delay = Math.min(this.#maxDelayMs, Math.max(backoff, outcome.retryAfterMs ?? 0));
    this.#logger.debug(
      { ...context, error: outcome.error, delay_ms: delay },
      'status callback will be retried',
    );
    const timer = setTimeout(() => {
      this.#waiting.delete(timer);
      this.#ready.push(job);
      this.#pump();
    }, delay);
    this.#waiting.set(timer, job);
  }

  async #post(
    job: Job,
  ): Promise<{ ok: true } | { ok: false; retry: boolean; error: string; retryAfterMs?: number }> {
    const headers: Record<string, string> = {
      ...this.#headers,
      'content-type': 'application/json',
      'user-agent': 'notify-email-webhook',
      'webhook-id': job.id,
    };
    if (job.event.correlation_id) headers['x-correlation-id'] = job.event.correlation_id;
    if (this.#secret !== undefined) {
      // Signed per attempt: receivers refuse stale timestamps, and a retry may come minutes later.
      const timestamp = Math.floor(Date.now() / 1000);
      headers['webhook-timestamp'] = String(timestamp);
      headers['webhook-signature'] = signWebhook(this.#secret, job.id, timestamp, job.body);
    }
    try {
      const response = await this.#fetch(this.#url, {
        method: 'POST',
        headers,
        body: job.body,
        signal: AbortSignal.any([AbortSignal.timeout(this.#timeoutMs), this.#abort.signal]),
      });
      await response.body?.cancel().catch(() => {});
      if (response.ok) return { ok: true };
      const retry = response.status >= 500 || response.status === 429 || response.status === 408;
      return { ok: false, retry, error: `HTTP ${response.status}`, retryAfterMs: retryAfterMs(response) };
    } catch (error) {
      const reason = isTimeout(error) ? `timed out after ${this.#timeoutMs} ms` : describeFetchError(error);
      return { ok: false, retry: true, error: reason };
    }
  }

  /**
   * Stops taking events, gives every waiting retry one immediate last attempt, and waits up to
   * `closeTimeoutMs` for in-flight deliveries; whatever is still unfinished then is abandoned.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    for (const [timer, job] of this.#waiting) {
      clearTimeout(timer);
      this.#ready.push(job);
    }
    this.#waiting.clear();
    this.#pump();
    if (this.pending > 0) {
      let wake: () => void = () => {};
      const idle = new Promise<void>((resolve) => {
        wake = resolve;
        this.#idleWaiters.add(resolve);
      });
      const timer = setTimeout(wake, this.#closeTimeoutMs);
      await idle;
      clearTimeout(timer);
      this.#idleWaiters.delete(wake);
    }
    const abandoned = this.pending;
    if (abandoned > 0) {
      this.#abort.abort(new NotifyError('UNAVAILABLE', 'webhook notifier closed'));
      this.#logger.warn({ abandoned }, 'status callbacks abandoned at close');
      this.#ready.length = 0;
    }
  }
}

function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function createWebhookNotifier(options: WebhookNotifierOptions): WebhookNotifier {
  return new WebhookNotifier(options);
}
