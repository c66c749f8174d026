import CircuitBreaker from 'opossum';
import { classifyError } from '../domain/classify-error.js';
import { NotifyError } from '../domain/errors.js';
import type { MailMessage, MailTransport, SendResult } from '../ports/mail-transport.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface MailBreakerOptions {
  /** Consecutive transient failures that open the circuit (default 5, the predecessor's fail_max). */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial send is let through, in ms (default 60000). */
  resetTimeoutMs?: number;
  /**
   * A send still running after this many ms counts as SMTP_TIMEOUT (default 30000; `false` turns
   * it off). Keep it below the processing lease, or a slow send outlives its claim.
   */
  timeoutMs?: number | false;
  /** Wall clock in ms; opossum's reset timer runs on real time, so this should too (tests only). */
  now?: () => number;
  /** Called on every state change, e.g. to log it. */
  onStateChange?: (state: BreakerState) => void;
}

/**
 * The SMTP circuit breaker: opossum 9 around `MailTransport.send`.
 *
 * opossum opens on an error *percentage* in a rolling window; we want the predecessor's rule,
 * "open after N consecutive transient failures", so its own threshold is disabled (100 %, which
 * an error rate never exceeds) and we count consecutive failures and call `open()` ourselves.
 * Only retryable errors count: a permanent 5xx proves the server is up and answering, so it is
 * filtered (opossum treats a filtered error as a success). While half-open, opossum lets one
 * trial through and reopens on its failure by itself.
 */
export class MailBreaker {
  private readonly breaker: CircuitBreaker<[MailMessage], SendResult>;
  private readonly failureThreshold: number;
  private readonly resetTimeoutMs: number;
  private readonly now: () => number;
  private consecutiveFailures = 0;
  private openedAt = 0;

  constructor(transport: MailTransport, options: MailBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.resetTimeoutMs = options.resetTimeoutMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.breaker = new CircuitBreaker((message: MailMessage) => transport.send(message), {
      name: 'smtp',
      timeout: options.timeoutMs ?? 30_000,
      resetTimeout: this.resetTimeoutMs,
      errorThresholdPercentage: 100,
      enableSnapshots: false,
      errorFilter: (error: unknown) => !classifyError(error).retryable,
    });
    this.breaker.on('success', () => {
      this.consecutiveFailures = 0;
    });
    this.breaker.on('failure', () => {
      this.consecutiveFailures += 1;
      if (this.breaker.closed && this.consecutiveFailures >= this.failureThreshold) this.breaker.open();
    });
    this.breaker.on('open', () => {
      this.openedAt = this.now();
      options.onStateChange?.('open');
    });
    this.breaker.on('halfOpen', () => options.onStateChange?.('half-open'));
    this.breaker.on('close', () => {
      this.consecutiveFailures = 0;
      options.onStateChange?.('closed');
    });
  }

  /**
   * Sends through the breaker. Every failure is a classified NotifyError; a rejection by the open
   * circuit is CIRCUIT_OPEN with `retryAfterMs` set to the time until the next trial.
   */
  async send(message: MailMessage): Promise<SendResult> {
    try {
      return await this.breaker.fire(message);
    } catch (error) {
      const classified = classifyError(error);
      if (classified.code === 'CIRCUIT_OPEN') {
        throw new NotifyError('CIRCUIT_OPEN', 'The SMTP circuit breaker is open', {
          cause: error,
          retryAfterMs: this.retryAfterMs(),
        });
      }
      throw classified;
    }
  }

  state(): BreakerState {
    if (this.breaker.opened) return 'open';
    if (this.breaker.halfOpen) return 'half-open';
    return 'closed';
  }

  /**
   * When the breaker will let a send through: now when closed; the end of the reset timeout when
   * open; when half-open a trial is already in flight, so a short probe interval from now.
   */
  retryAt(): Date {
    return new Date(this.now() + this.retryAfterMs());
  }

  /** Milliseconds until `retryAt()`; 0 when closed. */
  retryAfterMs(): number {
    const state = this.state();
    if (state === 'closed') return 0;
    if (state === 'half-open') return Math.min(this.resetTimeoutMs, HALF_OPEN_PROBE_MS);
    return Math.max(0, this.openedAt + this.resetTimeoutMs - this.now());
  }

  /** Stops opossum's timers; later sends fail fast. */
  shutdown(): void {
    this.breaker.shutdown();
  }
}

/** How long a message waits while a half-open breaker's trial decides the outcome. */
const HALF_OPEN_PROBE_MS = 5_000;
