import { NotifyError } from '@notify/email-core';
import { z } from 'zod';
import {
  boolean,
  existingDirectory,
  integer,
  keyList,
  logLevel,
  optionalText,
  sender,
  url,
} from './env-parsers.js';

/** The validated environment: what `composeService` and the bins run on. */
export interface ServiceConfig {
  /** HTTP port of the API (0 = any free port). */
  port: number;
  /** Address the API binds to. */
  host: string;
  /** PostgreSQL store; undefined = the in-memory store (embedded mode). */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** Named prepared statements for the worker's batched claims and updates. */
  databasePreparedStatements: boolean;
  /** RabbitMQ, from RABBITMQ_URL or built from RABBITMQ_HOST & co.; undefined = in-memory queue. */
  rabbitmqUrl: string | undefined;
  /** Shared rate limits; undefined = per-process in-memory limits. */
  redisUrl: string | undefined;
  /** SMTP relay; undefined = `.eml` files in `outboxDir`. */
  smtp: SmtpConfig | undefined;
  emailFrom: string;
  templateServiceUrl: string | undefined;
  templateServiceTimeoutMs: number;
  templateCacheTtlMs: number;
  /** Handlebars templates on disk; undefined = the templates shipped with the core. */
  templatesDir: string | undefined;
  statusCallbackUrl: string | undefined;
  statusCallbackSecret: string | undefined;
  logLevel: string;
  /** Show recipient addresses in logs (they are redacted by default). */
  logRecipients: boolean;
  maxRetries: number;
  retryBaseMs: number;
  retryCapMs: number;
  workerConcurrency: number;
  /** Bearer keys for `/api/`; empty = no authentication. */
  apiKeys: string[];
  /** Where the `.eml` transport writes when no SMTP host is set; undefined = a temp folder. */
  outboxDir: string | undefined;
  /** API requests per second per client; undefined = no rate limit. */
  rateLimit: { perSecond: number; burst: number } | undefined;
  breaker: { failureThreshold: number; resetTimeoutMs: number; timeoutMs: number };
  /** How long a worker's claim holds a record before the recovery loop may hand it back. */
  processingLeaseMs: number;
  /** The outbox recovery loop: how often it runs, and how old an unpublished record must be. */
  outboxRecovery: { intervalMs: number; graceMs: number };
  bodyLimitBytes: number;
  /** How long a stopping process waits for in-flight work before it gives up. */
  shutdownTimeoutMs: number;
}

export interface SmtpConfig {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (EMAIL_USE_SSL, usually port 465). */
  secure: boolean;
  /** STARTTLS required (EMAIL_USE_TLS, usually port 587). */
  requireTLS: boolean;
  auth: { user: string; pass: string } | undefined;
  poolSize: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
}

/** Variables whose values are credentials, or may embed them (URLs with user info). */
export const SECRET_VARIABLES = [
  'DATABASE_URL',
  'RABBITMQ_URL',
  'RABBITMQ_PASSWORD',
  'REDIS_URL',
  'EMAIL_HOST_PASSWORD',
  'STATUS_CALLBACK_SECRET',
  'API_KEYS',
] as const;

const MINUTE = 60_000;

const fields = z.object({
  PORT: integer(0, 65_535, 8000),
  HOST: optionalText(),
  DATABASE_URL: url(
    ['postgres', 'postgresql'],
    ' (PostgreSQL is the only database; leave it unset for the in-memory store)',
  ),
  DATABASE_POOL_SIZE: integer(1, 1000, 10),
  DATABASE_PREPARED_STATEMENTS: boolean(true),
  RABBITMQ_URL: url(['amqp', 'amqps']),
  RABBITMQ_HOST: optionalText(),
  RABBITMQ_PORT: integer(1, 65_535, 5672),
  RABBITMQ_USER: optionalText(),
  RABBITMQ_PASSWORD: optionalText(),
  RABBITMQ_VHOST: optionalText(),
  REDIS_URL: url(['redis', 'rediss']),
  EMAIL_HOST: optionalText(),
  EMAIL_PORT: integer(1, 65_535, undefined),
  EMAIL_USE_TLS: boolean(false),
  EMAIL_USE_SSL: boolean(false),
  EMAIL_HOST_USER: optionalText(),
  EMAIL_HOST_PASSWORD: optionalText(),
  EMAIL_FROM: sender(),
  SMTP_POOL_SIZE: integer(1, 100, 10),
  SMTP_CONNECTION_TIMEOUT_MS: integer(100, 10 * MINUTE, 10_000),
  SMTP_GREETING_TIMEOUT_MS: integer(100, 10 * MINUTE, 10_000),
  SMTP_SOCKET_TIMEOUT_MS: integer(100, 10 * MINUTE, 30_000),
  TEMPLATE_SERVICE_URL: url(['http', 'https']),
  TEMPLATE_SERVICE_TIMEOUT_MS: integer(100, MINUTE, 5000),
  TEMPLATE_CACHE_TTL_MS: integer(0, 24 * 60 * MINUTE, 60_000),
  TEMPLATES_DIR: existingDirectory(),
  STATUS_CALLBACK_URL: url(['http', 'https']),
  STATUS_CALLBACK_SECRET: optionalText(),
  LOG_LEVEL: logLevel(),
  LOG_RECIPIENTS: boolean(false),
  MAX_RETRIES: integer(0, 100, 5),
  RETRY_BASE_MS: integer(1, 60 * MINUTE, 2000),
  RETRY_CAP_MS: integer(1, 24 * 60 * MINUTE, 10 * MINUTE),
  WORKER_CONCURRENCY: integer(1, 1000, 64),
  API_KEYS: keyList(),
  OUTBOX_DIR: optionalText(),
  RATE_LIMIT_PER_SECOND: integer(0, 1_000_000, 100),
  RATE_LIMIT_BURST: integer(1, 1_000_000, undefined),
  BREAKER_FAILURE_THRESHOLD: integer(1, 1000, 5),
  BREAKER_RESET_TIMEOUT_MS: integer(100, 24 * 60 * MINUTE, MINUTE),
  // Below the engine's 60 s processing lease, so a send that hangs is cut off before another
  // worker may take the message over.
  BREAKER_TIMEOUT_MS: integer(100, 59_000, 30_000),
  PROCESSING_LEASE_MS: integer(1000, 60 * MINUTE, MINUTE),
  OUTBOX_RECOVERY_INTERVAL_MS: integer(100, 10 * MINUTE, 5000),
  OUTBOX_RECOVERY_GRACE_MS: integer(0, 60 * MINUTE, 10_000),
  BODY_LIMIT_BYTES: integer(1024, 100 * 1024 * 1024, 256 * 1024),
  SHUTDOWN_TIMEOUT_MS: integer(100, 10 * MINUTE, 15_000),
});

type Fields = z.output<typeof fields>;

interface Problem {
  variable: string;
  message: string;
}

/** Rules between variables; run on whatever parsed, so one message can name every problem. */
function crossChecks(env: NodeJS.ProcessEnv, f: Partial<Fields>): Problem[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: Problem[] = [];
  for (const part of ['RABBITMQ_PORT', 'RABBITMQ_USER', 'RABBITMQ_PASSWORD', 'RABBITMQ_VHOST']) {
    if (set(part) && !set('RABBITMQ_HOST') && !set('RABBITMQ_URL')) {
      problems.push({ variable: part, message: 'is set but RABBITMQ_HOST is not' });
    }
  }
  if (set('RABBITMQ_URL') && set('RABBITMQ_HOST')) {
    problems.push({ variable: 'RABBITMQ_HOST', message: 'is set together with RABBITMQ_URL; set only one' });
  }
  if (f.EMAIL_USE_TLS && f.EMAIL_USE_SSL) {
    problems.push({
      variable: 'EMAIL_USE_SSL',
      message:
        'is true together with EMAIL_USE_TLS; choose SSL (implicit TLS, port 465) or TLS (STARTTLS, port 587)',
    });
  }
  if (set('EMAIL_HOST_USER') !== set('EMAIL_HOST_PASSWORD')) {
    const missing = set('EMAIL_HOST_USER') ? 'EMAIL_HOST_PASSWORD' : 'EMAIL_HOST_USER';
    problems.push({ variable: missing, message: 'is required when the other SMTP credential is set' });
  }
  if (set('EMAIL_HOST') && !set('EMAIL_FROM')) {
    problems.push({ variable: 'EMAIL_FROM', message: 'is required when EMAIL_HOST is set' });
  }
  if (set('STATUS_CALLBACK_SECRET') && !set('STATUS_CALLBACK_URL')) {
    problems.push({ variable: 'STATUS_CALLBACK_SECRET', message: 'is set but STATUS_CALLBACK_URL is not' });
  }
  if (set('TEMPLATE_SERVICE_URL') && set('TEMPLATES_DIR')) {
    problems.push({
      variable: 'TEMPLATES_DIR',
      message: 'is set together with TEMPLATE_SERVICE_URL; set only one',
    });
  }
  // A send that outlives its claim could be taken over and sent again by another worker.
  if (
    f.BREAKER_TIMEOUT_MS !== undefined &&
    f.PROCESSING_LEASE_MS !== undefined &&
    f.BREAKER_TIMEOUT_MS >= f.PROCESSING_LEASE_MS
  ) {
    problems.push({ variable: 'BREAKER_TIMEOUT_MS', message: 'must be below PROCESSING_LEASE_MS' });
  }
  if (f.RETRY_BASE_MS !== undefined && f.RETRY_CAP_MS !== undefined && f.RETRY_BASE_MS > f.RETRY_CAP_MS) {
    problems.push({ variable: 'RETRY_CAP_MS', message: 'must not be smaller than RETRY_BASE_MS' });
  }
  return problems;
}

/** amqp://user:password@host:port/vhost, every part percent-encoded (the default vhost `/` is `%2F`). */
export function rabbitmqUrlFromParts(parts: {
  host: string;
  port: number;
  user?: string | undefined;
  password?: string | undefined;
  vhost?: string | undefined;
}): string {
  const user = encodeURIComponent(parts.user ?? 'guest');
  const password = encodeURIComponent(parts.password ?? 'guest');
  const vhost = encodeURIComponent(parts.vhost ?? '/');
  const host = parts.host.includes(':') && !parts.host.startsWith('[') ? `[${parts.host}]` : parts.host;
  return `amqp://${user}:${password}@${host}:${parts.port}/${vhost}`;
}

function defaultSmtpPort(f: Fields): number {
  if (f.EMAIL_USE_SSL) return 465;
  return f.EMAIL_USE_TLS ? 587 : 25;
}

function toServiceConfig(f: Fields): ServiceConfig {
  const rabbitmqUrl =
    f.RABBITMQ_URL ??
    (f.RABBITMQ_HOST === undefined
      ? undefined
      : rabbitmqUrlFromParts({
          host: f.RABBITMQ_HOST,
          port: f.RABBITMQ_PORT,
          user: f.RABBITMQ_USER,
          password: f.RABBITMQ_PASSWORD,
          vhost: f.RABBITMQ_VHOST,
        }));
  const smtp: SmtpConfig | undefined =
    f.EMAIL_HOST === undefined
      ? undefined
      : {
          host: f.EMAIL_HOST,
          port: f.EMAIL_PORT ?? defaultSmtpPort(f),
          secure: f.EMAIL_USE_SSL,
          requireTLS: f.EMAIL_USE_TLS,
          auth:
            f.EMAIL_HOST_USER && f.EMAIL_HOST_PASSWORD
              ? { user: f.EMAIL_HOST_USER, pass: f.EMAIL_HOST_PASSWORD }
              : undefined,
          poolSize: f.SMTP_POOL_SIZE,
          connectionTimeoutMs: f.SMTP_CONNECTION_TIMEOUT_MS,
          greetingTimeoutMs: f.SMTP_GREETING_TIMEOUT_MS,
          socketTimeoutMs: f.SMTP_SOCKET_TIMEOUT_MS,
        };
  return {
    port: f.PORT,
    host: f.HOST ?? '0.0.0.0',
    databaseUrl: f.DATABASE_URL,
    databasePoolSize: f.DATABASE_POOL_SIZE,
    databasePreparedStatements: f.DATABASE_PREPARED_STATEMENTS,
    rabbitmqUrl,
    redisUrl: f.REDIS_URL,
    smtp,
    emailFrom: f.EMAIL_FROM ?? 'noreply@example.com',
    templateServiceUrl: f.TEMPLATE_SERVICE_URL,
    templateServiceTimeoutMs: f.TEMPLATE_SERVICE_TIMEOUT_MS,
    templateCacheTtlMs: f.TEMPLATE_CACHE_TTL_MS,
    templatesDir: f.TEMPLATES_DIR,
    statusCallbackUrl: f.STATUS_CALLBACK_URL,
    statusCallbackSecret: f.STATUS_CALLBACK_SECRET,
    logLevel: f.LOG_LEVEL,
    logRecipients: f.LOG_RECIPIENTS,
    maxRetries: f.MAX_RETRIES,
    retryBaseMs: f.RETRY_BASE_MS,
    retryCapMs: f.RETRY_CAP_MS,
    workerConcurrency: f.WORKER_CONCURRENCY,
    apiKeys: f.API_KEYS,
    outboxDir: f.OUTBOX_DIR,
    rateLimit:
      f.RATE_LIMIT_PER_SECOND === 0
        ? undefined
        : { perSecond: f.RATE_LIMIT_PER_SECOND, burst: f.RATE_LIMIT_BURST ?? f.RATE_LIMIT_PER_SECOND * 2 },
    breaker: {
      failureThreshold: f.BREAKER_FAILURE_THRESHOLD,
      resetTimeoutMs: f.BREAKER_RESET_TIMEOUT_MS,
      timeoutMs: f.BREAKER_TIMEOUT_MS,
    },
    processingLeaseMs: f.PROCESSING_LEASE_MS,
    outboxRecovery: { intervalMs: f.OUTBOX_RECOVERY_INTERVAL_MS, graceMs: f.OUTBOX_RECOVERY_GRACE_MS },
    bodyLimitBytes: f.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: f.SHUTDOWN_TIMEOUT_MS,
  };
}

/**
 * Reads the service configuration from the environment. With nothing set, the result runs the
 * embedded defaults (in-memory store and queue, `.eml` files instead of SMTP). Any invalid value
 * throws ONE NotifyError `CONFIG_INVALID` whose message names every bad variable (and whose
 * `details` carry one entry per variable); values are never repeated, since many are secrets.
 */
export function loadConfig(env: NodeJS.ProcessEnv): ServiceConfig {
  const known = Object.fromEntries(Object.keys(fields.shape).map((name) => [name, env[name]]));
  const parsed = fields.safeParse(known);
  const problems: Problem[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ variable: String(issue.path[0]), message: issue.message }));
  // Cross-checks run even when a field failed, on the fields that did parse, so that one
  // start-up attempt reports everything wrong at once.
  const partial = parsed.success ? parsed.data : partialFields(known);
  problems.push(...crossChecks(env, partial));
  if (problems.length > 0 || !parsed.success) {
    // One entry per variable, even when a variable breaks more than one rule.
    const byVariable = new Map<string, string[]>();
    for (const p of problems) byVariable.set(p.variable, [...(byVariable.get(p.variable) ?? []), p.message]);
    const sentences = [...byVariable].map(([variable, messages]) => ({
      path: variable,
      message: `${variable} ${messages.join(' and ')}`,
    }));
    const listed = sentences.map((s) => s.message).join('; ');
    throw new NotifyError('CONFIG_INVALID', `Invalid configuration: ${listed}`, { details: sentences });
  }
  return toServiceConfig(parsed.data);
}

/** Each field parsed on its own, keeping only the ones that are valid. */
function partialFields(known: Record<string, string | undefined>): Partial<Fields> {
  const result: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(fields.shape)) {
    const one = (schema as z.ZodType).safeParse(known[name]);
    if (one.success) result[name] = one.data;
  }
  return result as Partial<Fields>;
}
