import { integer } from '../env-parsers.js';
import { type ConfigProblem, section, variable } from '../variable.js';

const MINUTE = 60_000;

export const deliverySection = section({
  title: 'Delivery',
  variables: {
    MAX_RETRIES: variable({
      schema: integer(0, 100, 5),
      default: '`5`',
      example: '3',
      meaning: 'Retries after the first attempt before a notification fails.',
    }),
    RETRY_BASE_MS: variable({
      schema: integer(1, 60 * MINUTE, 2000),
      default: '`2000`',
      example: '1000',
      meaning: 'Backoff base (exponential, full jitter).',
    }),
    RETRY_CAP_MS: variable({
      schema: integer(1, 24 * 60 * MINUTE, 10 * MINUTE),
      default: '`600000`',
      example: '300000',
      meaning: 'Longest wait between attempts; not below `RETRY_BASE_MS`.',
    }),
    WORKER_CONCURRENCY: variable({
      schema: integer(1, 1000, 64),
      default: '`64`',
      example: '128',
      meaning: 'Messages a worker process handles at once (also its prefetch).',
    }),
    BREAKER_FAILURE_THRESHOLD: variable({
      schema: integer(1, 1000, 5),
      default: '`5`',
      example: '10',
      meaning: 'Consecutive transient SMTP failures that open the circuit.',
    }),
    BREAKER_RESET_TIMEOUT_MS: variable({
      schema: integer(100, 24 * 60 * MINUTE, MINUTE),
      default: '`60000`',
      example: '30000',
      meaning: 'Open circuit → half-open (one trial send) after this long.',
    }),
    BREAKER_TIMEOUT_MS: variable({
      // Below the engine's 60 s processing lease, so a send that hangs is cut off before another
      // worker may take the message over.
      schema: integer(100, 59_000, 30_000),
      default: '`30000`',
      example: '20000',
      meaning:
        'A send taking longer counts as `SMTP_TIMEOUT`; at most 59000 and below `PROCESSING_LEASE_MS`.',
    }),
    PROCESSING_LEASE_MS: variable({
      schema: integer(1000, 60 * MINUTE, MINUTE),
      default: '`60000`',
      example: '120000',
      meaning:
        "How long a worker's claim on a notification lasts. A worker killed mid-send leaves its claim; once it expires, the API's recovery loop hands the notification back to the queue. Must be above `BREAKER_TIMEOUT_MS`.",
    }),
    OUTBOX_RECOVERY_INTERVAL_MS: variable({
      schema: integer(100, 10 * MINUTE, 5000),
      default: '`5000`',
      example: '10000',
      meaning:
        'How often the recovery loop (in the API process) looks for accepted notifications that never reached the queue and for expired claims.',
    }),
    OUTBOX_RECOVERY_GRACE_MS: variable({
      schema: integer(0, 60 * MINUTE, 10_000),
      default: '`10000`',
      example: '30000',
      meaning:
        'An accepted notification still unpublished after this long is republished by the recovery loop (younger ones are left to the normal publish).',
    }),
  },
  rules: (v) => {
    const problems: ConfigProblem[] = [];
    // A send that outlives its claim could be taken over and sent again by another worker.
    if (
      v.BREAKER_TIMEOUT_MS !== undefined &&
      v.PROCESSING_LEASE_MS !== undefined &&
      v.BREAKER_TIMEOUT_MS >= v.PROCESSING_LEASE_MS
    ) {
      problems.push({ variable: 'BREAKER_TIMEOUT_MS', message: 'must be below PROCESSING_LEASE_MS' });
    }
    if (v.RETRY_BASE_MS !== undefined && v.RETRY_CAP_MS !== undefined && v.RETRY_BASE_MS > v.RETRY_CAP_MS) {
      problems.push({ variable: 'RETRY_CAP_MS', message: 'must not be smaller than RETRY_BASE_MS' });
    }
    return problems;
  },
  build: (v) => ({
    maxRetries: v.MAX_RETRIES,
    retryBaseMs: v.RETRY_BASE_MS,
    retryCapMs: v.RETRY_CAP_MS,
    workerConcurrency: v.WORKER_CONCURRENCY,
    breaker: {
      failureThreshold: v.BREAKER_FAILURE_THRESHOLD,
      resetTimeoutMs: v.BREAKER_RESET_TIMEOUT_MS,
      timeoutMs: v.BREAKER_TIMEOUT_MS,
    },
    /** How long a worker's claim holds a record before the recovery loop may hand it back. */
    processingLeaseMs: v.PROCESSING_LEASE_MS,
    /** The outbox recovery loop: how often it runs, and how old an unpublished record must be. */
    outboxRecovery: { intervalMs: v.OUTBOX_RECOVERY_INTERVAL_MS, graceMs: v.OUTBOX_RECOVERY_GRACE_MS },
  }),
});
