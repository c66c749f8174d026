import { Readable } from 'node:stream';
import {
  type MailMessage,
  type MailTransport,
  type MailTransportCapabilities,
  NotifyError,
  type SendResult,
} from '@notify/email-core';
import type { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { toSendMailOptions } from './mail-options.js';
import { type ComposedMessage, composeMessage, nextBoundary } from './mime-message.js';
import { PoliteSmtpPool } from './polite-pool.js';
import { toSmtpNotifyError } from './smtp-error.js';
import { type ResolvedSmtpOptions, resolveSmtpOptions, type SmtpTransportOptions } from './smtp-options.js';

function createPool(options: ResolvedSmtpOptions): SMTPPool {
  return new PoliteSmtpPool({
    host: options.host,
    port: options.port,
    secure: options.secure,
    requireTLS: options.requireTLS,
    tls: options.tls,
    auth: options.auth,
    name: options.clientName,
    maxConnections: options.maxConnections,
    maxMessages: options.maxMessages,
    connectionTimeout: options.connectionTimeoutMs,
    greetingTimeout: options.greetingTimeoutMs,
    socketTimeout: options.socketTimeoutMs,
    // A pooled connection the server closed while idle is worth a quick second try; anything
    // longer belongs to the engine's retry policy.
    maxRequeues: 2,
  });
}

/** What a send needs from nodemailer: its own SMTP pool, or an injected transporter. */
type Sender = { pool: SMTPPool } | { transporter: Transporter };

/**
 * MailTransport over nodemailer's SMTP connection pool. The transport's own pool is handed
 * finished bytes (see `prebuilt`); an injected transporter gets the message fields.
 */
export class SmtpMailTransport implements MailTransport {
  readonly capabilities: MailTransportCapabilities = { delivers: true };
  readonly #sender: Sender;
  readonly #sendTimeoutMs: number;
  #closed = false;

  constructor(options: SmtpTransportOptions) {
    const resolved = resolveSmtpOptions(options);
    this.#sender =
      options.transporter === undefined
        ? { pool: createPool(resolved) }
        : { transporter: options.transporter };
    this.#sendTimeoutMs = resolved.sendTimeoutMs;
  }

  async send(message: MailMessage): Promise<SendResult> {
    if (this.#closed) throw new NotifyError('SMTP_TRANSIENT', 'SMTP transport is closed');
    const signal = AbortSignal.timeout(this.#sendTimeoutMs);
    try {
      // Both paths throw VALIDATION_FAILED on a header that could smuggle a line break, before
      // any I/O; toSmtpNotifyError passes a NotifyError through as it is.
      const info =
        'pool' in this.#sender
          ? await sendComposed(
              this.#sender.pool,
              composeMessage(message, { boundary: nextBoundary() }),
              message.messageId,
              signal,
            )
          : await this.#sender.transporter.sendMail({ ...toSendMailOptions(message), signal });
      return {
        messageId: message.messageId,
        response: String(info.response ?? ''),
        accepted: (info.accepted ?? []).map((entry: unknown) =>
          typeof entry === 'string' ? entry : String((entry as { address?: string }).address ?? entry),
        ),
      };
    } catch (error) {
      if (timedOut(error)) {
        throw new NotifyError('SMTP_TIMEOUT', `SMTP send did not finish within ${this.#sendTimeoutMs} ms`, {
          cause: error,
        });
      }
      throw toSmtpNotifyError(error, 'send');
    }
  }

  async verify(): Promise<void> {
    if (this.#closed) throw new NotifyError('SMTP_TRANSIENT', 'SMTP transport is closed');
    try {
      await ('pool' in this.#sender ? this.#sender.pool.verify() : this.#sender.transporter.verify());
    } catch (error) {
      throw toSmtpNotifyError(error, 'verify');
    }
  }

  /** Closes idle pool connections (each says QUIT); a delivery in progress finishes first. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if ('pool' in this.#sender) this.#sender.pool.close();
  }
}

/**
 * Hands finished bytes (`composeMessage`: nodemailer's encoders, our assembly, no streams;
 * MailComposer's stream machinery cost ~0.4 ms of CPU per message, the largest single share of a
 * worker's) straight to the pool. `sendMail` would run them through the mailer's
 * plugin chain and wrap them in a MIME node again, a stream pipeline per message that cost a
 * third of the send path's CPU (docs/benchmarks.md); the pool needs only what a transport plugin
 * is given: the envelope, the Message-ID and a stream of the message, plus the abort signal.
 */
function sendComposed(
  pool: SMTPPool,
  composed: ComposedMessage,
  messageId: string,
  signal: AbortSignal,
): Promise<SMTPPool.SentMessageInfo> {
  const message = {
    getEnvelope: () => ({ from: composed.envelope.from, to: [...composed.envelope.to] }),
    messageId: () => messageId,
    getHeader: (name: string) => (name.toLowerCase() === 'message-id' ? messageId : undefined),
    // A fresh stream per call: the pool may requeue the message onto another connection.
    createReadStream: () => Readable.from([composed.raw], { objectMode: false }),
  };
  return new Promise((resolve, reject) => {
    const mail = { data: { signal }, message } as unknown as Parameters<SMTPPool['send']>[0];
    pool.send(mail, (error, info) => (error ? reject(error) : resolve(info as SMTPPool.SentMessageInfo)));
  });
}

/** nodemailer reports our `sendTimeoutMs` signal as EABORT with the signal's TimeoutError as cause. */
function timedOut(error: unknown): boolean {
  const { code, cause } = (error ?? {}) as { code?: string; cause?: { name?: string } };
  return code === 'EABORT' && cause?.name === 'TimeoutError';
}

export function createSmtpTransport(options: SmtpTransportOptions): SmtpMailTransport {
  return new SmtpMailTransport(options);
}
