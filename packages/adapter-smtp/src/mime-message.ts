import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { type MailMessage, NotifyError } from '@notify/email-core';
import addressparser, { type MailboxAddress } from 'nodemailer/lib/addressparser';
import * as base64 from 'nodemailer/lib/base64';
import {
  encodeWord,
  encodeWords,
  foldLines,
  hasLongerLines,
  isPlainText,
  quoteString,
} from 'nodemailer/lib/mime-funcs';
import * as qp from 'nodemailer/lib/qp';
import { toSendMailOptions } from './mail-options.js';

export interface ComposedMessage {
  raw: Buffer;
  envelope: { from: string; to: string[] };
}

export interface ComposeOptions {
  /** Unguessable per message (a per-process secret plus a counter): content must not be able to close a part. */
  boundary: string;
  /** The Date header; now when left out. */
  date?: Date;
}

/** RFC 2046 bchars without the space; with our prefix and suffix the boundary stays within its 70 characters. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=?]{1,56}$/;
/** Headers the composer writes from the message's own fields; an extra header of the same name is dropped. */
const OWN_HEADERS = new Set([
  'from',
  'to',
  'subject',
  'message-id',
  'date',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);
/** Extra headers that hold addresses: encoded per mailbox, and their recipients join the envelope. */
const ADDRESS_HEADERS = new Set(['sender', 'reply-to', 'cc', 'bcc']);
/** An addr-spec that reads unambiguously without angle brackets. */
const PLAIN_ADDRESS = /^[^\s"(),:;<>@[\\\]]+@[^\s"(),:;<>@[\\\]]+$/;
const MAX_LINE = 998;
const NON_ASCII = /[\u0080-\uffff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_BUT_WSP = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NOT_IN_ADDRESS = /[\x00-\x1f\x7f<>]+/g;

const BOUNDARY_SECRET = randomBytes(12).toString('hex');
let boundaryCounter = 0;

/**
 * A boundary for the next message. It must be unguessable (content could otherwise close a part
 * early), not fresh randomness per message: a random per-process part plus a counter is as
 * unguessable and costs nothing (nodemailer draws 8 random bytes for every MIME node).
 */
export function nextBoundary(): string {
  boundaryCounter += 1;
  return `${BOUNDARY_SECRET}${boundaryCounter.toString(36)}`;
}

/**
 * The finished RFC 5322 bytes of a MailMessage (CRLF line ends), and its SMTP envelope: what
 * nodemailer's `MailComposer(...).compile().build()` produces for this one shape, synchronously
 * and without its stream machinery. Encoding is nodemailer's own (mime-funcs, qp, base64,
 * addressparser); only the assembly is ours. No dot-stuffing: the SMTP layer does that.
 */
export function composeMessage(message: MailMessage, options: ComposeOptions): ComposedMessage {
  // The same CR/LF and header-name checks as the nodemailer path (throws VALIDATION_FAILED).
  toSendMailOptions(message);
  if (!BOUNDARY.test(options.boundary)) throw new TypeError('composeMessage: boundary must be 1-56 bchars');
  const date = options.date ?? new Date();
  if (Number.isNaN(date.getTime())) throw new TypeError('composeMessage: date is not a valid Date');

  const from = mailboxes(message.from, 'from');
  const to = mailboxes(message.to, 'to');
  const recipients = new Set(to.map((mailbox) => mailbox.address));
  const head = [
    foldLines(`From: ${from.map(formatMailbox).join(', ')}`, 76),
    foldLines(`To: ${to.map(formatMailbox).join(', ')}`, 76),
    unstructured('Subject', message.subject),
    `Message-ID: ${message.messageId}`,
    // RFC 2822 date-time in UTC, the form nodemailer writes: `Mon, 30 Nov 2026 01:02:03 +0000`.
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
  ];
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const key = name.toLowerCase();
    if (OWN_HEADERS.has(key)) continue;
    if (ADDRESS_HEADERS.has(key)) {
      const list = mailboxes(value, `headers.${name}`);
      if (key === 'cc' || key === 'bcc') for (const mailbox of list) recipients.add(mailbox.address);
      // Bcc is envelope only, as in nodemailer: written, it would show the list to every recipient.
      if (key !== 'bcc') head.push(foldLines(`${name}: ${list.map(formatMailbox).join(', ')}`, 76));
      continue;
    }
    head.push(unstructured(name, value));
  }
  head.push('MIME-Version: 1.0');

  const parts: Array<{ type: string; content: string }> = [];
  // Truthiness as in nodemailer: an empty string is no part.
  if (message.text) parts.push({ type: 'text/plain', content: message.text });
  if (message.html) parts.push({ type: 'text/html', content: message.html });
  if (parts.length === 0) parts.push({ type: 'text/plain', content: '' });

  let raw: string;
  if (parts.length === 1) {
    const part = parts[0]!;
    const { encoding, body } = encodeBody(part.content, null);
    head.push(`Content-Type: ${part.type}; charset=utf-8`, `Content-Transfer-Encoding: ${encoding}`);
    // nodemailer ends the message with a line break if the content did not.
    raw = `${head.join('\r\n')}\r\n\r\n${body}${body.endsWith('\r\n') ? '' : '\r\n'}`;
  } else {
    const boundary = `--_NmP-${options.boundary}-Part_1`;
    head.push(foldLines(`Content-Type: multipart/alternative; boundary="${boundary}"`, 76));
    raw = `${head.join('\r\n')}\r\n\r\n`;
    for (const part of parts) {
      const { encoding, body } = encodeBody(part.content, `--${boundary}`);
      raw +=
        `--${boundary}\r\nContent-Type: ${part.type}; charset=utf-8\r\n` +
        `Content-Transfer-Encoding: ${encoding}\r\n\r\n${body}\r\n`;
    }
    raw += `--${boundary}--\r\n`;
  }
  return {
    raw: Buffer.from(raw, 'utf8'),
    envelope: { from: from[0]!.address, to: [...recipients] },
  };
}

/** The mailboxes of an address field (groups flattened), each address cleaned; none is a validation error. */
function mailboxes(value: string, path: string): MailboxAddress[] {
  const list: MailboxAddress[] = [];
  for (const { name, address } of addressparser(value, { flatten: true })) {
    const cleaned = normalizeAddress(address);
    if (cleaned) list.push({ name, address: cleaned });
  }
  if (list.length === 0) {
    throw new NotifyError('VALIDATION_FAILED', `mail ${path} has no email address`, {
      details: [{ path, message: 'must hold an email address' }],
    });
  }
  return list;
}

/**
 * Control characters and angle brackets cannot be part of an address in a header. An IDN domain
 * goes out as its A-label (punycode) unless the local part is non-ASCII: that address needs
 * SMTPUTF8 anyway, so the domain stays UTF-8, as nodemailer does.
 */
function normalizeAddress(address: string): string {
  const cleaned = address.replace(NOT_IN_ADDRESS, ' ').trim();
  const at = cleaned.lastIndexOf('@');
  if (at < 0 || !NON_ASCII.test(cleaned)) return cleaned;
  const local = cleaned.slice(0, at);
  const domain = cleaned.slice(at + 1);
  if (NON_ASCII.test(local)) return cleaned;
  return `${local}@${domainToASCII(domain) || domain}`;
}

function formatMailbox({ name, address }: MailboxAddress): string {
  const addr = PLAIN_ADDRESS.test(address) ? address : `<${address}>`;
  if (!name) return addr;
  if (/^[\w ]*$/.test(name)) return `${name} <${address}>`;
  // Printable ASCII with specials (a comma, a dot) is a quoted-string; anything else an encoded-word.
  const phrase = /^[\x20-\x7e]*$/.test(name) ? quoteString(name) : encodeWord(name, wordEncoding(name), 52);
  return `${phrase} <${address}>`;
}

/** An unstructured header (Subject, X-…), RFC 2047-encoded if it needs to be, folded at 76. */
function unstructured(name: string, value: string): string {
  // Control characters other than HT cannot be carried bare: the whole value becomes encoded-words.
  const encoded = CONTROL_BUT_WSP.test(value)
    ? encodeWord(value, wordEncoding(value), 52)
    : // encodeAll: some clients (Zimbra) drop the spaces around a lone encoded-word; nodemailer does the same.
      encodeWords(value, wordEncoding(value), 52, true);
  const line = foldLines(`${name}: ${encoded}`, 76);
  // A long value without whitespace cannot be folded; rather than write a line over RFC 5322's
  // 998 octets, carry it as encoded-words, which are split into short words that fold.
  if (line.length <= MAX_LINE || line.split('\r\n').every((part) => part.length <= MAX_LINE)) return line;
  return foldLines(`${name}: ${encodeWord(value, wordEncoding(value), 52)}`, 76);
}

/**
 * A text body with CRLF line ends and its transfer encoding: 7bit when it is printable ASCII
 * with lines of 76 or less, else quoted-printable for mostly-Latin text and base64 for the rest
 * (nodemailer's choice). `delimiter` is the multipart delimiter: QP leaves `-` and `_` alone, so
 * content that happens to contain it goes out as base64, whose alphabet cannot.
 */
function encodeBody(content: string, delimiter: string | null): { encoding: string; body: string } {
  const text = content.replace(/\r\n?|\n/g, '\r\n');
  const fits = (body: string) => delimiter === null || !body.includes(delimiter);
  if (isPlainText(text) && !hasLongerLines(text, 76) && fits(text)) return { encoding: '7bit', body: text };
  if (wordEncoding(text) === 'Q') {
    const body = qp.wrap(qp.encode(text), 76);
    if (fits(body)) return { encoding: 'quoted-printable', body };
  }
  return { encoding: 'base64', body: base64.wrap(base64.encode(text), 76) };
}

/** 'Q' when Latin letters outnumber non-ASCII and control characters (mostly readable as is), else 'B'. */
function wordEncoding(value: string): 'Q' | 'B' {
  let latin = 0;
  let other = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) latin++;
    else if (code >= 0x80 || (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d)) other++;
  }
  return other < latin ? 'Q' : 'B';
}
