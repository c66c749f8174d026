import { type MailMessage, NotifyError } from '@notify/email-core';
import type { SendMailOptions } from 'nodemailer';

const HEADER_NAME = /^[!-9;-~]+$/;

/**
 * The nodemailer form of a MailMessage. `messageId` becomes the Message-ID header verbatim,
 * so a resend after a crash carries the same id. Headers are checked here as well as at the
 * API because a transport must not be the place where a CR/LF turns into header injection.
 */
export function toSendMailOptions(message: MailMessage): SendMailOptions {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!HEADER_NAME.test(name) || typeof value !== 'string' || /[\r\n]/.test(value)) {
      throw new NotifyError(
        'VALIDATION_FAILED',
        `mail header ${JSON.stringify(name)} is not a valid header`,
        {
          details: [
            { path: `headers.${name}`, message: 'header names are printable ASCII and values have no CR/LF' },
          ],
        },
      );
    }
    headers[name] = value;
  }
  for (const field of ['from', 'to', 'subject', 'messageId'] as const) {
    if (/[\r\n]/.test(message[field] ?? '')) {
      throw new NotifyError('VALIDATION_FAILED', `mail ${field} contains a line break`, {
        details: [{ path: field, message: 'must not contain CR or LF' }],
      });
    }
  }
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    html: message.html,
    text: message.text,
    messageId: message.messageId,
    headers,
  };
}
