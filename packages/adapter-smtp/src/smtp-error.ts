import { NotifyError } from '@notify/email-core';
import type { NodemailerError } from 'nodemailer';

/** Nodemailer codes raised before any reply: the message itself can never be sent as it is. */
const MESSAGE_FAULTS = new Set(['EENVELOPE', 'EMAXRECIPIENTS', 'EFILEACCESS', 'EURLACCESS']);

function describe(error: NodemailerError): string {
  const reply = error.response?.trim();
  return reply && reply.length > 0 ? reply : error.message;
}

/** Codes nodemailer gives a reply to MAIL FROM, RCPT TO or DATA: a verdict on this message. */
const MESSAGE_VERDICTS = new Set(['EENVELOPE', 'EMESSAGE']);

/**
 * Maps a nodemailer failure onto the engine's error table. A 5xx reply to the message itself
 * (MAIL FROM, RCPT TO, DATA) is permanent, a 4xx transient (RFC 5321). A 5xx to the session
 * (EHLO, STARTTLS, AUTH) is retried: a refused login or a missing STARTTLS says nothing about
 * the message, and failing it would dead-letter every queued mail over an operator's slip; the
 * breaker is what stops the hammering. 503 (bad command sequence) is retried for the same reason.
 */
export function toSmtpNotifyError(raw: unknown, action: string): NotifyError {
  if (NotifyError.is(raw)) return raw;
  const error = (raw instanceof Error ? raw : new Error(String(raw))) as NodemailerError;
  const code = error.code ?? '';
  const responseCode = typeof error.responseCode === 'number' ? error.responseCode : undefined;
  const options = { cause: raw, responseCode };

  if (code === 'ETIMEDOUT' || error.name === 'TimeoutError') {
    const which = error.timeoutType ? ` (${error.timeoutType})` : '';
    return new NotifyError('SMTP_TIMEOUT', `SMTP ${action} timed out${which}: ${error.message}`, options);
  }
  if (responseCode !== undefined) {
    const text = `SMTP server answered ${responseCode} to ${error.command ?? action}: ${describe(error)}`;
    if (responseCode >= 500 && responseCode !== 503 && MESSAGE_VERDICTS.has(code)) {
      return new NotifyError('SMTP_PERMANENT', text, options);
    }
    return new NotifyError('SMTP_TRANSIENT', text, options);
  }
  if (MESSAGE_FAULTS.has(code)) {
    return new NotifyError(
      'SMTP_PERMANENT',
      `SMTP ${action} refused the message (${code}): ${error.message}`,
      options,
    );
  }
  const origin = error.originalCode ? `${code}/${error.originalCode}` : code || error.name;
  return new NotifyError('SMTP_TRANSIENT', `SMTP ${action} failed (${origin}): ${error.message}`, options);
}
