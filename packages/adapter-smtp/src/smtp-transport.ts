import { randomBytes } from 'node:crypto';
import { type MailMessage, type MailTransport, NotifyError, type SendResult } from '@notify/email-core';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
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
        ...(this.#ownsTransporter ? await prebuilt(mail) : mail),
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

const BOUNDARY_SECRET = randomBytes(12).toString('hex');
let boundaryCounter = 0;

/**
 * The message composed to its final bytes before it reaches the pool, as nodemailer's `sendMail`
 * would compose it (the same MailComposer; `sendMail` adds no header of its own unless told to).
 * Streamed by the pool, a composed-on-the-fly message leaves in one socket write per MIME part,
 * boundary and header block: 12 writes per message for the stock templates against 3 for the
 * finished bytes, and at hundreds of messages a second those system calls were the largest share
 * of a worker's CPU (docs/benchmarks.md). Only for the transport's own SMTP pool: an injected
 * transporter (a stream or JSON transport in an embedder's tests) still gets the message fields.
 */
async function prebuilt(mail: SendMailOptions): Promise<SendMailOptions> {
  // A boundary must be unguessable (content could otherwise close a part early), not fresh per
  // MIME node: nodemailer draws 8 random bytes for every node of the tree, a few percent of a
  // worker's CPU; a random per-process part plus a counter is as unguessable and costs nothing.
  boundaryCounter += 1;
  const node = new MailComposer({
    ...mail,
    baseBoundary: `${BOUNDARY_SECRET}${boundaryCounter.toString(36)}`,
  }).compile();
  return { raw: await node.build(), envelope: node.getEnvelope() };
}

/** nodemailer reports our `sendTimeoutMs` signal as EABORT with the signal's TimeoutError as cause. */
function timedOut(error: unknown): boolean {
  const { code, cause } = (error ?? {}) as { code?: string; cause?: { name?: string } };
  return code === 'EABORT' && cause?.name === 'TimeoutError';
}

export function createSmtpTransport(options: SmtpTransportOptions): SmtpMailTransport {
  return new SmtpMailTransport(options);
}
