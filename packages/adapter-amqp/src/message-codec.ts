import { type DeadLetter, NotifyError, type QueueMessage } from '@notify/email-core';

/** The wire form of a queue message: JSON with exactly these fields, nothing else. */
const MESSAGE_FIELDS = ['requestId', 'taskId', 'priority', 'correlationId'] as const;

/** Header values are capped: amqplib refuses a header table over 64 KiB, and logs want short lines. */
const MAX_HEADER_CHARS = 1_024;

export type DecodeResult = { ok: true; message: QueueMessage } | { ok: false; reason: string };

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Rejects what the core must never publish, naming the field (a bug upstream, not a broker problem). */
export function checkOutgoing(messages: QueueMessage[]): void {
  messages.forEach((message, i) => {
    for (const key of ['requestId', 'taskId', 'correlationId'] as const) {
      if (!isNonEmptyString(message?.[key])) {
        throw new NotifyError('VALIDATION_FAILED', `messages[${i}].${key} must be a non-empty string`, {
          details: [{ path: `messages[${i}].${key}`, message: 'must be a non-empty string' }],
        });
      }
    }
    const { priority } = message;
    if (!Number.isInteger(priority) || priority < 1 || priority > 100) {
      throw new NotifyError('VALIDATION_FAILED', `messages[${i}].priority must be an integer from 1 to 100`, {
        details: [{ path: `messages[${i}].priority`, message: 'must be an integer from 1 to 100' }],
      });
    }
  });
}

export function encodeMessage(message: QueueMessage): Buffer {
  const { requestId, taskId, priority, correlationId } = message;
  return Buffer.from(JSON.stringify({ requestId, taskId, priority, correlationId }));
}

/** Strict on purpose: a message from another producer or an old format is a poison message, not a guess. */
export function decodeMessage(content: Buffer): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `body is not JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'body is not a JSON object' };
  }
  const record = parsed as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !(MESSAGE_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) return { ok: false, reason: `unknown field(s): ${unknown.join(', ')}` };
  for (const key of ['requestId', 'taskId', 'correlationId'] as const) {
    if (!isNonEmptyString(record[key])) return { ok: false, reason: `${key} must be a non-empty string` };
  }
  const priority = record.priority;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 1 || priority > 100) {
    return { ok: false, reason: 'priority must be an integer from 1 to 100' };
  }
  return {
    ok: true,
    message: {
      requestId: record.requestId as string,
      taskId: record.taskId as string,
      priority,
      correlationId: record.correlationId as string,
    },
  };
}

export function truncate(text: string, max = MAX_HEADER_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface EncodedDeadLetter {
  body: Buffer;
  headers: Record<string, string | number>;
}

/** Body carries everything (including the raw poison body); headers repeat the essentials for operators. */
export function encodeDeadLetter(entry: DeadLetter): EncodedDeadLetter {
  const body = {
    requestId: entry.requestId,
    taskId: entry.taskId,
    correlationId: entry.correlationId,
    errorCode: entry.errorCode,
    error: entry.error,
    attempts: entry.attempts,
    firstAttemptAt: entry.firstAttemptAt ? entry.firstAttemptAt.toISOString() : null,
    failedAt: entry.failedAt.toISOString(),
    ...(entry.raw === undefined ? {} : { raw: entry.raw }),
  };
  const headers: Record<string, string | number> = {
    'x-error-code': entry.errorCode,
    'x-error': truncate(entry.error),
    'x-attempts': entry.attempts,
    'x-failed-at': body.failedAt,
  };
  if (body.firstAttemptAt) headers['x-first-attempt-at'] = body.firstAttemptAt;
  if (entry.correlationId) headers['x-correlation-id'] = truncate(entry.correlationId);
  if (entry.requestId) headers['x-request-id'] = truncate(entry.requestId);
  if (entry.taskId) headers['x-task-id'] = truncate(entry.taskId);
  return { body: Buffer.from(JSON.stringify(body)), headers };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function dateOrNull(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Reads a dead letter back; something else found on the failed queue is reported as MALFORMED_MESSAGE. */
export function decodeDeadLetter(content: Buffer, publishedAt?: number): DeadLetter {
  const text = content.toString('utf8');
  let parsed: Record<string, unknown> | null = null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      parsed = value as Record<string, unknown>;
  } catch {
    parsed = null;
  }
  const failedAt = dateOrNull(parsed?.failedAt);
  if (!parsed || typeof parsed.errorCode !== 'string' || !failedAt) {
    return {
      requestId: null,
      taskId: null,
      correlationId: null,
      errorCode: 'MALFORMED_MESSAGE',
      error: 'unreadable entry on the dead-letter queue',
      attempts: 0,
      firstAttemptAt: null,
      failedAt: publishedAt ? new Date(publishedAt) : new Date(),
      raw: text,
    };
  }
  const entry: DeadLetter = {
    requestId: stringOrNull(parsed.requestId),
    taskId: stringOrNull(parsed.taskId),
    correlationId: stringOrNull(parsed.correlationId),
    errorCode: parsed.errorCode,
    error: typeof parsed.error === 'string' ? parsed.error : '',
    attempts: typeof parsed.attempts === 'number' ? parsed.attempts : 0,
    firstAttemptAt: dateOrNull(parsed.firstAttemptAt),
    failedAt,
  };
  if (typeof parsed.raw === 'string') entry.raw = parsed.raw;
  return entry;
}
