import { NotifyError } from '../../domain/errors.js';
import { InMemoryMailTransport } from '../../memory/in-memory-mail-transport.js';
import type { MailMessage, SendResult } from '../../ports/mail-transport.js';

/**
 * Decides the fate of one send: return (or resolve to) an error to make it fail, or
 * undefined to let it through.
 */
export type FailurePolicy = (message: MailMessage) => unknown;

export interface ControllableMailTransportOptions {
  /** Milliseconds each send takes, to exercise timeouts and concurrency. Default 0. */
  latencyMs?: number;
}

/**
 * The in-memory transport with test controls: it can be told to fail the way an SMTP server
 * would (use NotifyError SMTP_PERMANENT / SMTP_TRANSIENT so the engine classifies the failure as
 * it would a real one), to be unreachable, or to be slow, and it records every attempt.
 */
export class ControllableMailTransport extends InMemoryMailTransport {
  /** Every send attempted, accepted or not. */
  readonly attempts: MailMessage[] = [];
  latencyMs: number;
  private readonly queuedFailures: unknown[] = [];
  private policy: FailurePolicy | null = null;
  private available = true;

  constructor(options: ControllableMailTransportOptions = {}) {
    super();
    this.latencyMs = options.latencyMs ?? 0;
  }

  /** The next `times` sends (default 1) throw `error`, before any `failWith` policy is asked. */
  failNext(error: unknown, times = 1): this {
    for (let i = 0; i < times; i++) this.queuedFailures.push(error);
    return this;
  }

  /** Every send asks `policy` first; pass null to remove it. */
  failWith(policy: FailurePolicy | null): this {
    this.policy = policy;
    return this;
  }

  /** Simulates the server being unreachable: verify and send throw a retryable SMTP_TRANSIENT. */
  setAvailable(available: boolean): void {
    this.available = available;
  }

  /** Forgets sent messages, attempts and pending failures, and makes the server reachable again. */
  reset(): void {
    this.sent.length = 0;
    this.attempts.length = 0;
    this.queuedFailures.length = 0;
    this.policy = null;
    this.available = true;
  }

  override async send(message: MailMessage): Promise<SendResult> {
    const copy = structuredClone(message);
    this.attempts.push(copy);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    this.assertOpen();
    if (!this.available) throw unavailable();
    if (this.queuedFailures.length > 0) throw this.queuedFailures.shift();
    if (this.policy) {
      const failure = await this.policy(copy);
      if (failure !== undefined && failure !== null) throw failure;
    }
    return super.send(copy);
  }

  override async verify(): Promise<void> {
    if (!this.available) throw unavailable();
    return super.verify();
  }
}

function unavailable(): NotifyError {
  return new NotifyError('SMTP_TRANSIENT', 'In-memory transport is unavailable (simulated)', {
    responseCode: 421,
  });
}
