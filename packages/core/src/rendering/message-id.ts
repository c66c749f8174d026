import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';

/**
 * The Message-ID of a notification's email, derived from its request_id alone: every retry of the
 * same notification carries the same id, so a resend after an ambiguous SMTP failure is
 * recognisable as a duplicate by receivers that deduplicate on Message-ID.
 * `domain` may be a bare domain or a whole From address; it is reduced to a safe ASCII domain.
 */
export function messageIdFor(requestId: string, domain: string): string {
  const local = createHash('sha256').update(requestId, 'utf8').digest('hex').slice(0, 32);
  return `<${local}@${sanitiseDomain(domain)}>`;
}

const FALLBACK_DOMAIN = 'localhost';

function sanitiseDomain(raw: string): string {
  // "Notify <noreply@example.com>" → "example.com"
  const afterAt = raw.slice(raw.lastIndexOf('@') + 1).replace(/>.*$/s, '');
  const ascii = domainToASCII(afterAt.trim().toLowerCase());
  const cleaned = ascii
    .replace(/[^a-z0-9.-]/g, '')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+|[.-]+$/g, '');
  return cleaned === '' ? FALLBACK_DOMAIN : cleaned;
}
