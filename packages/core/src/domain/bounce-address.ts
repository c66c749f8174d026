import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * VERP (variable envelope return path): each message's envelope sender names the notification it
 * belongs to, `bounces+<token>@<bounce domain>`, so a bounce that comes back to it says whom it is
 * about without parsing anything else. The token is the task id and a truncated HMAC of it, so a
 * forged bounce naming someone else's notification is refused. Lower-case hex only: MTAs may fold
 * the case of a local part.
 */

export interface BounceAddressRules {
  /** `BOUNCE_DOMAIN`. */
  domain: string;
  /** `BOUNCE_LOCAL_PART`, default `bounces`. */
  localPart?: string;
  /** `SIGNING_SECRET`. */
  secret: string;
}

/** 80 bits of HMAC: enough against guessing, short enough for a 64-octet local part. */
const MAC_HEX = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function mac(taskHex: string, secret: string): string {
  return createHmac('sha256', secret).update(`verp:${taskHex}`).digest('hex').slice(0, MAC_HEX);
}

/** The token of a task id (a UUID): its 32 hex digits, `-`, the MAC. */
export function bounceToken(taskId: string, secret: string): string {
  const normalized = taskId.toLowerCase();
  if (!UUID.test(normalized)) throw new RangeError(`bounceToken: not a UUID: ${taskId}`);
  const hex = normalized.replaceAll('-', '');
  return `${hex}-${mac(hex, secret)}`;
}

/** The envelope sender of one notification's message. */
export function bounceAddress(taskId: string, rules: BounceAddressRules): string {
  return `${rules.localPart ?? 'bounces'}+${bounceToken(taskId, rules.secret)}@${rules.domain}`;
}

/**
 * The task id a bounce address names, when the address is one of ours and its MAC is right;
 * null otherwise (another address, a forged or damaged token).
 */
export function taskIdOfBounceAddress(address: string, rules: BounceAddressRules): string | null {
  const lower = address
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .toLowerCase();
  const prefix = `${(rules.localPart ?? 'bounces').toLowerCase()}+`;
  const at = lower.lastIndexOf('@');
  if (at < 0 || lower.slice(at + 1) !== rules.domain.toLowerCase()) return null;
  const local = lower.slice(0, at);
  if (!local.startsWith(prefix)) return null;
  const match = /^([0-9a-f]{32})-([0-9a-f]{20})$/.exec(local.slice(prefix.length));
  if (match === null) return null;
  const [, hex = '', given = ''] = match;
  const expected = Buffer.from(mac(hex, rules.secret));
  if (!timingSafeEqual(Buffer.from(given), expected)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
