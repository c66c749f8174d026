import { type MailMessage, type MailTransport, NotifyError, type SendResult } from '@notify/email-core';
import nodemailer, { type Transporter } from 'nodemailer';
import { toSendMailOptions } from './mail-options.js';
import { toSmtpNotifyError } from './smtp-error.js';
import { type ResolvedSmtpOptions, resolveSmtpOptions, type SmtpTransportOptions } from './smtp-options.js';

function createPool(options: ResolvedSmtpOptions): Transporter {
  return nodemailer.createTransport({
    pool: true,
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

/** MailTransport over a pooled nodemailer SMTP transport. */
export class SmtpMailTransport implements MailTransport {
  readonly #transporter: Transporter;
  readonly #ownsTransporter: boolean;
  readonly #sendTimeoutMs: number;
  #closed = false;

  constructor(options: SmtpTransportOptions) {
    const resolved = resolveSmtpOptions(options);
    this.#ownsTransporter = options.transporter === undefined;
    this.#transporter = options.transporter ?? createPool(resolved);
    this.#sendTimeoutMs = resolved.sendTimeoutMs;
  }

  async send(message: MailMessage): Promise<SendResult> {
    if (this.#closed) throw new NotifyError('SMTP_TRANSIENT', 'SMTP transport is closed');
    const mail = toSendMailOptions(message);
    try {
      const info = await this.#transporter.sendMail({
        ...mail,
        signal: AbortSignal.timeout(this.#sendTimeoutMs),
      });
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
      await this.#transporter.verify();
    } catch (error) {
      throw toSmtpNotifyError(error, 'verify');
    }
  }

  /** Closes idle pool connections; a delivery in progress finishes first. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsTransporter) this.#transporter.close();
  }
}

/** nodemailer reports our `sendTimeoutMs` signal as EABORT with the signal's TimeoutError as cause. */
function timedOut(error: unknown): boolean {
  const { code, cause } = (error ?? {}) as { code?: string; cause?: { name?: string } };
  return code === 'EABORT' && cause?.name === 'TimeoutError';
}

export function createSmtpTransport(options: SmtpTransportOptions): SmtpMailTransport {
  return new SmtpMailTransport(options);
}
