import { createHash } from 'node:crypto';
import type { AcceptPayload } from './accept-schema.js';

/**
 * SHA-256 (hex) of the canonical JSON of a validated payload: keys sorted at every depth, so key
 * order, and whether the idempotency key came from the header or the body, never change it.
 * Pass the payload with defaults applied (what `parseAcceptBody` returns), so that an omitted
 * `priority` and an explicit `priority: 10` compare equal.
 */
export function payloadFingerprint(payload: AcceptPayload): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

/** JSON with object keys sorted; `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return canonicalJson(toJSON.call(value)); // a Date, say
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined || typeof member === 'function') continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}
