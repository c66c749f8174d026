import { randomUUID } from 'node:crypto';

/** Printable ASCII only: an id that ends up in log lines and headers must not smuggle control characters. */
const SANE_REQUEST_ID = /^[\x20-\x7e]{1,200}$/;

/** The caller's `X-Request-ID` when it is sane, otherwise a fresh UUID. */
export function correlationIdFrom(header: string | undefined): string {
  const candidate = header?.trim();
  return candidate && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}
