import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { MailMessage, MailTransport } from '../ports/mail-transport.js';
import {
  type BaseHarness,
  type ContractIt,
  caseNeeding,
  type Lacks,
  rejectsWithNotifyError,
  sleep,
  waitFor,
  withHarness,
} from './contract-runner.js';

/** A message as the far side saw it (e.g. parsed by mailparser on an SMTP peer). */
export interface ReceivedMail {
  /** The From header or envelope sender; compared by the address it contains. */
  from: string;
  /** Recipient addresses. */
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  /** The Message-ID header, with angle brackets. */
  messageId: string;
  /** Every header; names are matched case-insensitively. */
  headers: Record<string, string>;
}

/** What `makeTransport` returns for each case. */
export interface MailTransportHarness extends BaseHarness<MailTransport> {
  /** Everything that arrived at the far side so far, in arrival order. */
  received(): Promise<ReceivedMail[]>;
  /**
   * Makes the far side refuse the next message permanently (an SMTP 5xx such as `550 5.1.1`).
   * Required unless `lacks.permanentRejection` is declared.
   */
  rejectNextPermanently?(): Promise<void>;
  /**
   * Makes the far side fail the next message temporarily (an SMTP 4xx such as `451 4.3.0`, or a
   * dropped connection). Required unless `lacks.temporaryFailure` is declared.
   */
  failNextTemporarily?(): Promise<void>;
}

export interface MailTransportContractOptions {
  lacks?: Lacks<'permanentRejection' | 'temporaryFailure'>;
  /** How long to wait for a message to arrive. Default 5000 ms. */
  arrivalTimeoutMs?: number;
}

const T = 'MailTransport:';

/** A message with non-ASCII text, HTML that must not be altered, and tracing headers. */
export function sampleMailMessage(overrides: Partial<MailMessage> = {}): MailMessage {
  const id = randomUUID();
  return {
    from: 'Notify <notify@example.com>',
    to: `rcpt-${id.slice(0, 8)}@example.org`,
    subject: `Héllo Ada ✓ ${id.slice(0, 8)}`,
    html: '<p>Hello <strong>Ada</strong> &amp; friends</p>',
    text: 'Hello Ada & friends',
    messageId: `<${id}@notify.example.com>`,
    headers: { 'X-Request-ID': `req-${id}`, 'X-Correlation-ID': `corr-${id}` },
    ...overrides,
  };
}

/** The behaviour every MailTransport must show; see MailTransportHarness. */
export function mailTransportContract(
  it: ContractIt,
  makeTransport: () => Promise<MailTransportHarness>,
  options: MailTransportContractOptions = {},
): void {
  const lacks = options.lacks ?? {};
  const arrival = options.arrivalTimeoutMs ?? 5000;
  const run = (body: (transport: MailTransport, harness: MailTransportHarness) => Promise<void>) => () =>
    withHarness(makeTransport, (harness) => body(harness.subject, harness));

  it(
    `${T} a sent message arrives with subject, bodies, Message-ID and headers intact`,
    run(async (transport, harness) => {
      const message = sampleMailMessage();
      const result = await transport.send(message);
      assert.equal(result.messageId, message.messageId, 'SendResult.messageId is the one we set');
      assert.ok(result.accepted.map(lower).includes(lower(message.to)), 'the recipient is in accepted');
      assert.equal(typeof result.response, 'string');
      const mail = await arrivedWith(harness, message.messageId, arrival);
      assert.ok(lower(mail.from).includes('notify@example.com'), `from was ${mail.from}`);
      assert.ok(
        mail.to.map(lower).some((to) => to.includes(lower(message.to))),
        `to was ${mail.to.join(', ')}`,
      );
      assert.equal(mail.subject, message.subject);
      assert.equal(mail.html?.trim(), message.html);
      assert.equal(mail.text?.trim(), message.text);
      assert.equal(header(mail, 'X-Request-ID'), message.headers['X-Request-ID']);
      assert.equal(header(mail, 'X-Correlation-ID'), message.headers['X-Correlation-ID']);
    }),
  );

  it(
    `${T} text-only and html-only messages arrive with just that body`,
    run(async (transport, harness) => {
      const textOnly = sampleMailMessage({ html: undefined, text: 'Only text here' });
      const htmlOnly = sampleMailMessage({ text: undefined, html: '<p>Only html</p>' });
      delete textOnly.html;
      delete htmlOnly.text;
      await transport.send(textOnly);
      await transport.send(htmlOnly);
      const gotText = await arrivedWith(harness, textOnly.messageId, arrival);
      const gotHtml = await arrivedWith(harness, htmlOnly.messageId, arrival);
      assert.equal(gotText.text?.trim(), 'Only text here');
      assert.ok(!gotText.html, 'no html body was invented for a text-only message');
      assert.equal(gotHtml.html?.trim(), '<p>Only html</p>');
    }),
  );

  it(
    `${T} verify resolves while the server is reachable`,
    run(async (transport) => {
      await transport.verify();
    }),
  );

  caseNeeding(
    it,
    lacks,
    'permanentRejection',
    `${T} a permanently rejected message is a non-retryable SMTP_PERMANENT`,
    run(async (transport, harness) => {
      assert.ok(harness.rejectNextPermanently, 'rejectNextPermanently is required unless declared lacking');
      await harness.rejectNextPermanently();
      const message = sampleMailMessage();
      const error = await rejectsWithNotifyError(transport.send(message), 'SMTP_PERMANENT', 'send');
      assert.equal(error.retryable, false);
      await sleep(100);
      const arrived = (await harness.received()).filter((m) => m.messageId === message.messageId);
      assert.equal(arrived.length, 0, 'a rejected message did not arrive');
    }),
  );

  caseNeeding(
    it,
    lacks,
    'temporaryFailure',
    `${T} a temporary failure is a retryable NotifyError`,
    run(async (transport, harness) => {
      assert.ok(harness.failNextTemporarily, 'failNextTemporarily is required unless declared lacking');
      await harness.failNextTemporarily();
      const error = await rejectsWithNotifyError(
        transport.send(sampleMailMessage()),
        ['SMTP_TRANSIENT', 'SMTP_TIMEOUT'],
        'send',
      );
      assert.equal(error.retryable, true);
      const after = sampleMailMessage();
      await transport.send(after);
      await arrivedWith(harness, after.messageId, arrival);
    }),
  );
}

async function arrivedWith(harness: MailTransportHarness, messageId: string, timeoutMs: number) {
  const all = await waitFor(
    () => harness.received(),
    (mails) => mails.some((m) => m.messageId === messageId),
    `message ${messageId} to arrive`,
    timeoutMs,
  );
  return all.find((m) => m.messageId === messageId)!;
}

function header(mail: ReceivedMail, name: string): string | undefined {
  const key = Object.keys(mail.headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : mail.headers[key];
}

function lower(value: string): string {
  return value.toLowerCase();
}
