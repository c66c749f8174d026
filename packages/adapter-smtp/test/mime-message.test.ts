import { type MailMessage, NotifyError } from '@notify/email-core';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { toSendMailOptions } from '../src/mail-options.js';
import { composeMessage } from '../src/mime-message.js';

const DATE = new Date('2026-11-30T01:02:03.456Z');
const BOUNDARY = 'f3a9c2e1b7d04a6e8c5f1b2a3';

const base: MailMessage = {
  from: 'Notify <noreply@notify.test>',
  to: 'Ada Lovelace <ada@example.test>',
  subject: 'Welcome to Our Platform',
  html: '<h1>Welcome, Ada</h1>\n<p>Thanks for signing up.</p>',
  text: 'Welcome, Ada\nThanks for signing up.',
  messageId: '<req-42.1@notify.test>',
  headers: { 'X-Request-ID': 'req-42', 'X-Correlation-ID': 'corr-7f3e' },
};

function compose(overrides: Partial<MailMessage> = {}) {
  return composeMessage({ ...base, ...overrides }, { boundary: BOUNDARY, date: DATE });
}

/** Line ends as mailparser reports them. */
const lf = (value: string) => value.replace(/\r\n?/g, '\n');

function addresses(field: AddressObject | AddressObject[] | undefined) {
  return [field ?? []].flat().flatMap((entry) => entry.value.map(({ name, address }) => ({ name, address })));
}

/** The header block as raw text. */
function headerBlock(raw: Buffer): string {
  const text = raw.toString('utf8');
  return text.slice(0, text.indexOf('\r\n\r\n'));
}

/** RFC 5322: CRLF only, no line over 998 octets. */
function expectWellFormed(raw: Buffer): void {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x0a) expect(raw[i - 1], `bare LF at octet ${i}`).toBe(0x0d);
    if (raw[i] === 0x0d) expect(raw[i + 1], `bare CR at octet ${i}`).toBe(0x0a);
  }
  let start = 0;
  for (let end = raw.indexOf('\r\n'); end >= 0; end = raw.indexOf('\r\n', start)) {
    expect(end - start, `line at octet ${start}`).toBeLessThanOrEqual(998);
    start = end + 2;
  }
  expect(start).toBe(raw.length); // ends with CRLF
}

function expectValidationFailed(run: () => unknown): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(NotifyError.is(thrown)).toBe(true);
  expect((thrown as NotifyError).code).toBe('VALIDATION_FAILED');
}

describe('composeMessage', () => {
  it('composes text and html as multipart/alternative, text first, with every header intact', async () => {
    const { raw, envelope } = compose();
    expectWellFormed(raw);
    expect(envelope).toEqual({ from: 'noreply@notify.test', to: ['ada@example.test'] });

    const head = headerBlock(raw);
    expect(head).toContain('\r\nMessage-ID: <req-42.1@notify.test>\r\n');
    expect(head).toContain('\r\nDate: Mon, 30 Nov 2026 01:02:03 +0000\r\n');
    expect(head).toContain('\r\nMIME-Version: 1.0\r\n');
    expect(head).toContain('\r\nContent-Type: multipart/alternative;');
    expect(head).toContain(` boundary="--_NmP-${BOUNDARY}-Part_1"`);
    const text = raw.toString();
    expect(text.indexOf('Content-Type: text/plain')).toBeLessThan(text.indexOf('Content-Type: text/html'));
    expect(text).toContain('Content-Transfer-Encoding: 7bit');

    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(base.subject);
    expect(parsed.text).toBe(lf(base.text!));
    expect(parsed.html).toBe(base.html);
    expect(parsed.messageId).toBe(base.messageId);
    expect(parsed.date?.toISOString()).toBe('2026-11-30T01:02:03.000Z');
    expect(addresses(parsed.from)).toEqual([{ name: 'Notify', address: 'noreply@notify.test' }]);
    expect(addresses(parsed.to)).toEqual([{ name: 'Ada Lovelace', address: 'ada@example.test' }]);
    expect(parsed.headers.get('x-request-id')).toBe('req-42');
    expect(parsed.headers.get('x-correlation-id')).toBe('corr-7f3e');
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
  });

  it('composes a text-only message as a single text/plain part', async () => {
    const { raw } = compose({ html: undefined });
    expectWellFormed(raw);
    expect(headerBlock(raw)).toContain('\r\nContent-Type: text/plain; charset=utf-8\r\n');
    expect(raw.toString()).not.toContain('multipart');
    const parsed = await simpleParser(raw);
    expect(parsed.html).toBe(false);
    // As with nodemailer, a single-part message ends with a line break.
    expect(parsed.text).toBe(`${lf(base.text!)}\n`);
  });

  it('composes an html-only message as a single text/html part', async () => {
    const { raw } = compose({ text: undefined });
    expectWellFormed(raw);
    expect(headerBlock(raw)).toContain('\r\nContent-Type: text/html; charset=utf-8\r\n');
    expect(raw.toString()).not.toContain('multipart');
    expect((await simpleParser(raw)).html).toBe(`${base.html}\n`);
  });

  it('writes now as the Date when none is given', async () => {
    const before = Date.now();
    const parsed = await simpleParser(composeMessage(base, { boundary: BOUNDARY }).raw);
    expect(parsed.date?.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(parsed.date?.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('encodes a non-ASCII subject and display names as RFC 2047 encoded-words', async () => {
    const subject = `Reçu n°42 pour Zoë ✓ — 日本語の件名 🎉 ${'and a subject long enough to need folding '.repeat(3)}`;
    const { raw, envelope } = compose({
      subject,
      from: 'Zoë Ñúñez <noreply@notify.test>',
      to: '山田 太郎 <taro@example.test>, "Doe, Jane" <jane@example.test>, plain@example.test',
    });
    expectWellFormed(raw);
    const head = headerBlock(raw);
    expect(/^[\x20-\x7e\r\n\t]*$/.test(head)).toBe(true); // 7-bit headers
    expect(head).toContain('=?UTF-8?');
    expect(envelope).toEqual({
      from: 'noreply@notify.test',
      to: ['taro@example.test', 'jane@example.test', 'plain@example.test'],
    });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(subject);
    expect(addresses(parsed.from)).toEqual([{ name: 'Zoë Ñúñez', address: 'noreply@notify.test' }]);
    expect(addresses(parsed.to)).toEqual([
      { name: '山田 太郎', address: 'taro@example.test' },
      { name: 'Doe, Jane', address: 'jane@example.test' },
      { name: '', address: 'plain@example.test' },
    ]);
  });

  it('round-trips awkward bodies with CRLF line ends and no line over 998 octets', async () => {
    const long = `${'word '.repeat(250)}${'x'.repeat(1200)}`;
    const text = `Grüße, Ada\n.starts with a dot\n.\ntrailing spaces   \nbare LF\nCRLF\r\nlone CR\r${long}\n\ttab`;
    const html = `<p>Grüße</p>\n.<b>dot</b>   \n<p>${'y'.repeat(2000)}</p>\n`;
    const { raw } = compose({ text, html });
    expectWellFormed(raw);
    expect(raw.toString()).toContain('Content-Transfer-Encoding: quoted-printable');
    const parsed = await simpleParser(raw);
    expect(parsed.text).toBe(lf(text));
    expect(parsed.html).toBe(html);
  });

  it('keeps a long ASCII line intact (quoted-printable soft breaks, no dot-stuffing)', async () => {
    const text = `.${'a'.repeat(1500)}\n..two dots`;
    const { raw } = compose({ text, html: undefined });
    expectWellFormed(raw);
    expect(raw.toString()).toContain('\r\n..two dots');
    expect((await simpleParser(raw)).text).toBe(`${lf(text)}\n`);
  });

  it('sends mostly non-Latin bodies as base64', async () => {
    const text = '日本語のテキストです。\nよろしくお願いします。';
    const html = '<p>日本語のテキストです。</p>';
    const { raw } = compose({ text, html });
    expectWellFormed(raw);
    expect(raw.toString().match(/Content-Transfer-Encoding: base64/g)).toHaveLength(2);
    const parsed = await simpleParser(raw);
    expect(parsed.text).toBe(lf(text));
    expect(parsed.html).toBe(html);
  });

  it('never lets content close a part: a body holding the delimiter goes out as base64', async () => {
    const delimiter = `----_NmP-${BOUNDARY}-Part_1`;
    const text = `before\n${delimiter}\nContent-Type: text/html\n\n<b>forged</b>\n${delimiter}--\nafter`;
    const { raw } = compose({ text });
    expectWellFormed(raw);
    expect(raw.toString()).toContain('Content-Transfer-Encoding: base64');
    const parsed = await simpleParser(raw);
    expect(parsed.text).toBe(lf(text));
    expect(parsed.html).toBe(base.html);
  });

  it('keeps headers within 998 octets even for a value that cannot be folded', async () => {
    const subject = `id-${'z'.repeat(1500)}`;
    const { raw } = compose({ subject, headers: { 'X-Request-ID': 'r'.repeat(1200) } });
    expectWellFormed(raw);
    expect((await simpleParser(raw)).subject).toBe(subject);
  });

  it('puts Cc and Bcc recipients in the envelope, writes no Bcc header, and keeps its own headers', async () => {
    const { raw, envelope } = compose({
      headers: {
        'X-Request-ID': 'req-42',
        Cc: 'Bob <bob@example.test>',
        Bcc: 'hidden@example.test, ada@example.test',
        'Reply-To': 'Support Team <help@notify.test>',
        From: 'evil@attacker.test',
        'Content-Type': 'text/evil',
      },
    });
    expectWellFormed(raw);
    expect(envelope.to).toEqual(['ada@example.test', 'bob@example.test', 'hidden@example.test']);
    expect(raw.toString()).not.toContain('hidden@');
    expect(raw.toString()).not.toContain('evil');
    const parsed = await simpleParser(raw);
    expect(addresses(parsed.cc)).toEqual([{ name: 'Bob', address: 'bob@example.test' }]);
    expect(addresses(parsed.replyTo)).toEqual([{ name: 'Support Team', address: 'help@notify.test' }]);
    expect(addresses(parsed.from)).toEqual([{ name: 'Notify', address: 'noreply@notify.test' }]);
  });

  it('refuses header injection and address fields without an address with VALIDATION_FAILED', () => {
    expectValidationFailed(() => compose({ subject: 'Hi\r\nBcc: victim@example.test' }));
    expectValidationFailed(() => compose({ subject: 'Hi\nX-Evil: 1' }));
    expectValidationFailed(() => compose({ to: 'ada@example.test\r\nBcc: victim@example.test' }));
    expectValidationFailed(() => compose({ from: 'Notify\r <noreply@notify.test>' }));
    expectValidationFailed(() => compose({ messageId: '<a@b>\r\nX-Evil: 1' }));
    expectValidationFailed(() => compose({ headers: { 'X-Request-ID': 'req\r\nBcc: victim@example.test' } }));
    expectValidationFailed(() => compose({ headers: { 'X-Bad Name': 'value' } }));
    expectValidationFailed(() => compose({ to: 'Nobody' }));
    expectValidationFailed(() => compose({ from: '' }));
  });

  it('parses back to what nodemailer MailComposer produces for the same message', async () => {
    const message: MailMessage = {
      ...base,
      from: 'Zoë Ñúñez <noreply@notify.test>',
      to: '山田 太郎 <taro@example.test>',
      subject: 'Reçu ✓ 日本語 🎉 — Welcome to Our Platform',
      text: 'Grüße, Ada\n.dot line\ntrailing   \n日本語',
      html: `<p>Grüße, Ada</p>\n<p>${'long '.repeat(60)}</p>`,
    };
    const ours = composeMessage(message, { boundary: BOUNDARY, date: DATE });
    const node = new MailComposer({ ...toSendMailOptions(message), date: DATE }).compile();
    const theirs = await node.build();
    expect(ours.envelope).toEqual(node.getEnvelope());

    const [a, b] = await Promise.all([simpleParser(ours.raw), simpleParser(theirs)]);
    const view = (mail: ParsedMail) => ({
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      from: addresses(mail.from),
      to: addresses(mail.to),
      messageId: mail.messageId,
      date: mail.date?.toISOString(),
      requestId: mail.headers.get('x-request-id'),
      correlationId: mail.headers.get('x-correlation-id'),
      mimeVersion: mail.headers.get('mime-version'),
      contentType: (mail.headers.get('content-type') as { value: string }).value,
    });
    expect(view(a)).toEqual(view(b));
  });
});
