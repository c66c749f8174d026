import type { ErrorDetail } from '@notify/email-core';

/** The error object of a failed response (docs/api.md, Envelope). */
export interface ErrorBody {
  code: string;
  message: string;
  /** Only where there are fields to point at. */
  details?: ErrorDetail[];
}

/** Every response, success or failure, has exactly this shape. */
export interface Envelope<T = unknown, M = unknown> {
  success: boolean;
  message: string;
  data: T | null;
  error: ErrorBody | null;
  meta: M | null;
}

/** `Retrieved 1 notification`, `Retrieved 3 notifications`: the list routes' message. */
export function retrieved(count: number, noun: string, plural = `${noun}s`): string {
  return `Retrieved ${count} ${count === 1 ? noun : plural}`;
}

export function ok<T, M = unknown>(message: string, data: T, meta: M | null = null): Envelope<T, M> {
  return { success: true, message, data, error: null, meta };
}

export function failure(code: string, message: string, details?: ErrorDetail[]): Envelope<null, null> {
  const error: ErrorBody = details && details.length > 0 ? { code, message, details } : { code, message };
  return { success: false, message, data: null, error, meta: null };
}
