import { randomUUID } from 'node:crypto';
import type { MailMessage, MailTransport } from '../../ports/mail-transport.js';
import { type BaseHarness, type Lacks, waitFor, withHarness } from '../contract-runner.js';

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

/** Every case's title starts with this (tests elsewhere find cases by their titles). */
export const T = 'MailTransport:';

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

type TransportCase = (transport: MailTransport, harness: MailTransportHarness) => Promise<void>;

/** What every group needs: the options with their defaults, and `run`, which gives a case a fresh harness. */
export function transportCases(
  makeTransport: () => Promise<MailTransportHarness>,
  options: MailTransportContractOptions,
): {
  lacks: Lacks<'permanentRejection' | 'temporaryFailure'>;
  arrival: number;
  run: (body: TransportCase) => () => Promise<void>;
} {
  return {
    lacks: options.lacks ?? {},
    arrival: options.arrivalTimeoutMs ?? 5000,
    run: (body) => () => withHarness(makeTransport, (harness) => body(harness.subject, harness)),
  };
}

/** Waits until the far side has the message with `messageId`, and returns it. */
export async function arrivedWith(harness: MailTransportHarness, messageId: string, timeoutMs: number) {
  const all = await waitFor(
    () => harness.received(),
    (mails) => mails.some((m) => m.messageId === messageId),
    `message ${messageId} to arrive`,
    timeoutMs,
  );
  return all.find((m) => m.messageId === messageId)!;
}
