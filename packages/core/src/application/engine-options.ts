import { NotifyError } from '../domain/errors.js';
import {
  DEFAULT_WEBHOOK_DISABLE_AFTER_MS,
  DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS,
} from '../domain/webhook-delivery.js';

/** How the engine behaves; every field but `from` has a default. */
export interface EngineOptions {
  /** The sender, `no-reply@example.com` or `Example <no-reply@example.com>`; its domain ends every Message-ID. */
  from: string;
  /** Retries after the first attempt (default 5: six attempts in all). */
  maxRetries?: number;
  /** Backoff base in ms: the first retry waits up to this long (default 2000). */
  retryBaseMs?: number;
  /** Backoff cap in ms (default 600000). */
  retryCapMs?: number;
  /** How long a claim holds a record before another worker may take it over, in ms (default 60000). */
  leaseMs?: number;
  /** This process's name in leases and logs (default `worker-<random>`). */
  workerId?: string;
  /** Reported by health (default `0.0.0`). */
  version?: string;
  breaker?: {
    /** Consecutive transient SMTP failures that open the circuit (default 5). */
    failureThreshold?: number;
    /** Open → half-open after this many ms (default 60000). */
    resetTimeoutMs?: number;
    /** A send running longer counts as SMTP_TIMEOUT, in ms (default 30000; must be below `leaseMs`). */
    timeoutMs?: number;
  };
  outbox?: {
    /** Most accepted ids published in one confirmed batch (default 100). */
    batchSize?: number;
    /** Longest an accepted id waits for its batch to fill, in ms (default 20). */
    flushIntervalMs?: number;
    /** How often the recovery loop looks for stranded records, in ms (default 5000). */
    recoveryIntervalMs?: number;
    /** An unpublished record younger than this is left to the relay, in ms (default 10000). */
    recoveryGraceMs?: number;
  };
  /** The webhook dispatcher (docs/webhooks.md). */
  webhooks?: {
    /** One attempt's budget, in ms (default 15000). */
    timeoutMs?: number;
    /** Delays after each failed attempt, in ms (default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
    retryScheduleMs?: number[];
    /** An endpoint whose attempts have all failed this long is disabled, in ms (default 5 days). */
    disableAfterMs?: number;
    /** How often an idle dispatcher looks for due deliveries, in ms (default 500). */
    pollIntervalMs?: number;
    /** Attempts in flight at once per process (default 32). */
    concurrency?: number;
  };
}

/** EngineOptions with every default filled in. */
export interface ResolvedEngineOptions {
  from: string;
  /** The domain of `from`, for Message-IDs. */
  fromDomain: string;
  maxRetries: number;
  retryBaseMs: number;
  retryCapMs: number;
  leaseMs: number;
  workerId: string;
  version: string;
  breaker: { failureThreshold: number; resetTimeoutMs: number; timeoutMs: number };
  outbox: { batchSize: number; flushIntervalMs: number; recoveryIntervalMs: number; recoveryGraceMs: number };
  webhooks: {
    timeoutMs: number;
    retryScheduleMs: number[];
    disableAfterMs: number;
    pollIntervalMs: number;
    concurrency: number;
  };
}

/**
 * Fills in defaults and checks every field, throwing one CONFIG_INVALID whose `details` name each
 * bad key (dotted, e.g. `breaker.timeoutMs`), so a misconfiguration is fixed in one round.
 */
export function resolveEngineOptions(options: EngineOptions): ResolvedEngineOptions {
  const problems: { path: string; message: string }[] = [];
  const raw = (options ?? {}) as unknown as Record<string, unknown>;
  const breaker = objectAt(raw, 'breaker', problems);
  const outbox = objectAt(raw, 'outbox', problems);
  const webhooks = objectAt(raw, 'webhooks', problems);
  const int = (
    source: Record<string, unknown>,
    prefix: string,
    key: string,
    fallback: number,
    min: number,
  ) => {
    const value = source[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      problems.push({ path: prefix + key, message: `must be an integer >= ${min}` });
      return fallback;
    }
    return value;
  };

  const from = raw.from;
  const fromDomain = typeof from === 'string' ? domainOf(from) : undefined;
  if (fromDomain === undefined) {
    problems.push({ path: 'from', message: 'must be an email address, optionally as `Name <address>`' });
  }
  const resolved: ResolvedEngineOptions = {
    from: typeof from === 'string' ? from : '',
    fromDomain: fromDomain ?? '',
    maxRetries: int(raw, '', 'maxRetries', 5, 0),
    retryBaseMs: int(raw, '', 'retryBaseMs', 2_000, 1),
    retryCapMs: int(raw, '', 'retryCapMs', 600_000, 1),
    leaseMs: int(raw, '', 'leaseMs', 60_000, 1),
    workerId: stringAt(raw, 'workerId', `worker-${Math.random().toString(36).slice(2, 10)}`, problems),
    version: stringAt(raw, 'version', '0.0.0', problems),
    breaker: {
      failureThreshold: int(breaker, 'breaker.', 'failureThreshold', 5, 1),
      resetTimeoutMs: int(breaker, 'breaker.', 'resetTimeoutMs', 60_000, 1),
      timeoutMs: int(breaker, 'breaker.', 'timeoutMs', 30_000, 1),
    },
    outbox: {
      batchSize: int(outbox, 'outbox.', 'batchSize', 100, 1),
      flushIntervalMs: int(outbox, 'outbox.', 'flushIntervalMs', 20, 0),
      recoveryIntervalMs: int(outbox, 'outbox.', 'recoveryIntervalMs', 5_000, 1),
      recoveryGraceMs: int(outbox, 'outbox.', 'recoveryGraceMs', 10_000, 0),
    },
    webhooks: {
      timeoutMs: int(webhooks, 'webhooks.', 'timeoutMs', 15_000, 1),
      retryScheduleMs: scheduleAt(webhooks, problems),
      disableAfterMs: int(webhooks, 'webhooks.', 'disableAfterMs', DEFAULT_WEBHOOK_DISABLE_AFTER_MS, 1),
      pollIntervalMs: int(webhooks, 'webhooks.', 'pollIntervalMs', 500, 1),
      concurrency: int(webhooks, 'webhooks.', 'concurrency', 32, 1),
    },
  };
  if (resolved.retryCapMs < resolved.retryBaseMs) {
    problems.push({ path: 'retryCapMs', message: 'must be >= retryBaseMs' });
  }
  // A send that outlives its lease can be claimed and sent again by another worker.
  if (resolved.breaker.timeoutMs >= resolved.leaseMs) {
    problems.push({ path: 'breaker.timeoutMs', message: 'must be below leaseMs' });
  }
  if (problems.length > 0) {
    const keys = problems.map((p) => p.path).join(', ');
    throw new NotifyError('CONFIG_INVALID', `Invalid engine options: ${keys}`, { details: problems });
  }
  return resolved;
}

/** The domain part of `addr@domain` or `Name <addr@domain>`; undefined when there is none. */
export function domainOf(from: string): string | undefined {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  const match = /^[^\s@<>]+@([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)$/.exec(address.trim());
  return match?.[1];
}

function scheduleAt(
  webhooks: Record<string, unknown>,
  problems: { path: string; message: string }[],
): number[] {
  const value = webhooks.retryScheduleMs;
  if (value === undefined) return [...DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS];
  if (Array.isArray(value) && value.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    return [...(value as number[])];
  }
  problems.push({ path: 'webhooks.retryScheduleMs', message: 'must be a list of integers >= 0 (ms)' });
  return [...DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS];
}

function objectAt(
  raw: Record<string, unknown>,
  key: string,
  problems: { path: string; message: string }[],
): Record<string, unknown> {
  const value = raw[key];
  if (value === undefined) return {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  problems.push({ path: key, message: 'must be an object' });
  return {};
}

function stringAt(
  raw: Record<string, unknown>,
  key: string,
  fallback: string,
  problems: { path: string; message: string }[],
): string {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (typeof value === 'string' && value.trim() !== '') return value;
  problems.push({ path: key, message: 'must be a non-empty string' });
  return fallback;
}
