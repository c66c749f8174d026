import { createHash, timingSafeEqual } from 'node:crypto';
import { NotifyError } from '@notify/email-core';

/** Hashing first gives equal-length buffers, so the comparison time says nothing about key length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The bearer token of an `Authorization` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Checks `Authorization: Bearer <key>` against the configured keys. Every key is compared (no early
 * exit) in constant time, so timing reveals neither which key matched nor how much of one did.
 */
export function createKeyChecker(apiKeys: readonly string[]): (header: string | undefined) => void {
  const digests = apiKeys.map(digest);
  return (header) => {
    const token = bearerToken(header);
    if (token === undefined) {
      throw new NotifyError('UNAUTHORIZED', 'Missing API key: send Authorization: Bearer <key>');
    }
    const presented = digest(token);
    let matched = false;
    for (const expected of digests) matched = timingSafeEqual(presented, expected) || matched;
    if (!matched) throw new NotifyError('UNAUTHORIZED', 'Invalid API key');
  };
}

/** A stable, non-reversible label for a key, for rate-limit buckets and logs. */
export function keyFingerprint(token: string): string {
  return digest(token).toString('hex').slice(0, 16);
}
