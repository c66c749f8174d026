/*
 * RFC 3464 delivery status notifications, the machine-readable part (`message/delivery-status`):
 * one group of per-message fields, then one group per recipient, groups separated by blank lines,
 * each field `Name: value` with folded continuation lines. And the classification of an enhanced
 * status code (RFC 3463) into the bounce kinds the API reports (`hard`, `soft`, `block`).
 */

export type BounceKind = 'hard' | 'soft' | 'block';

/** One recipient of a DSN. */
export interface RecipientStatus {
  /** The address the report is about (`Final-Recipient`, else `Original-Recipient`); lower-cased. */
  recipient: string | null;
  originalRecipient: string | null;
  /** `failed`, `delayed`, `delivered`, `relayed`, `expanded` (lower-cased). */
  action: string | null;
  /** The enhanced status code, `5.1.1`. */
  status: string | null;
  remoteMta: string | null;
  diagnosticCode: string | null;
}

export interface DeliveryStatusReport {
  reportingMta: string | null;
  /** The `ENVID` the message was sent with (the task id), when the MTA echoed it. */
  envelopeId: string | null;
  recipients: RecipientStatus[];
}

/** `Name: value` fields of one group, names lower-cased, folded lines unfolded. */
function fieldsOf(group: string): Map<string, string> {
  const fields = new Map<string, string>();
  let name: string | undefined;
  for (const line of group.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && name !== undefined) {
      fields.set(name, `${fields.get(name) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    name = line.slice(0, colon).trim().toLowerCase();
    // A repeated field keeps its first value, as RFC 3464 allows each only once.
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

/** The value after `type;` (`rfc822; ada@example.com` → `ada@example.com`); null when empty. */
function typedValue(value: string | undefined): string | null {
  if (value === undefined) return null;
  const semicolon = value.indexOf(';');
  const bare = (semicolon >= 0 ? value.slice(semicolon + 1) : value).trim();
  return bare === '' ? null : bare;
}

function address(value: string | undefined): string | null {
  const bare = typedValue(value);
  return bare === null ? null : bare.replace(/^<(.*)>$/, '$1').toLowerCase();
}

/** Parses the body of a `message/delivery-status` part. Never throws: what is missing is null. */
export function parseDeliveryStatus(text: string): DeliveryStatusReport {
  const groups = text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((group) => group.trim())
    .filter((group) => group !== '');
  const [first = '', ...rest] = groups;
  const perMessage = fieldsOf(first);
  const recipients = rest.map(fieldsOf).map(
    (fields): RecipientStatus => ({
      recipient: address(fields.get('final-recipient')) ?? address(fields.get('original-recipient')),
      originalRecipient: address(fields.get('original-recipient')),
      action: fields.get('action')?.toLowerCase().split(/\s/)[0] ?? null,
      status: /\d\.\d{1,3}\.\d{1,3}/.exec(fields.get('status') ?? '')?.[0] ?? null,
      remoteMta: typedValue(fields.get('remote-mta')),
      diagnosticCode: typedValue(fields.get('diagnostic-code')),
    }),
  );
  return {
    reportingMta: typedValue(perMessage.get('reporting-mta')),
    envelopeId: perMessage.get('original-envelope-id')?.trim() || null,
    recipients: recipients.filter((r) => r.recipient !== null || r.action !== null),
  };
}

/** The enhanced status code in an SMTP reply (`550 5.1.1 <x>: no such user` → `5.1.1`), or null. */
export function enhancedStatusOf(reply: string): string | null {
  return /(?:^|\s|-)([245]\.\d{1,3}\.\d{1,3})(?=\s|$)/.exec(reply)?.[1] ?? null;
}

/**
 * The API's kinds: hard for a recipient that does not exist (5.1.x, 5.2.1 disabled, 5.5.x
 * protocol/address errors), block for a policy refusal (5.7.x), soft for everything else,
 * 4.x.x and 5.x.x alike (a full mailbox, 5.2.2, may empty).
 */
export function bounceKindOf(status: string): BounceKind {
  if (/^5\.1\.\d+$/.test(status) || status === '5.2.1' || /^5\.5\.\d+$/.test(status)) return 'hard';
  if (/^5\.7\.\d+$/.test(status)) return 'block';
  return 'soft';
}

/** RFC 5965 `message/feedback-report` (an ARF complaint), the fields the service acts on. */
export interface FeedbackReport {
  /** `abuse`, `fraud`, `not-spam`, `virus`, `other` (lower-cased). */
  feedbackType: string | null;
  userAgent: string | null;
  /** The complaining recipient (`Original-Rcpt-To`), lower-cased; often absent (redacted). */
  originalRcptTo: string | null;
  originalMailFrom: string | null;
  arrivalDate: string | null;
  sourceIp: string | null;
}

/** Parses the body of a `message/feedback-report` part. Never throws. */
export function parseFeedbackReport(text: string): FeedbackReport {
  const fields = fieldsOf(text);
  const bare = (name: string) => fields.get(name)?.trim() || null;
  const mailbox = (name: string) =>
    bare(name)
      ?.replace(/^<(.*)>$/, '$1')
      .toLowerCase() ?? null;
  return {
    feedbackType: bare('feedback-type')?.toLowerCase() ?? null,
    userAgent: bare('user-agent'),
    originalRcptTo: mailbox('original-rcpt-to'),
    originalMailFrom: mailbox('original-mail-from'),
    arrivalDate: bare('arrival-date'),
    sourceIp: bare('source-ip'),
  };
}
