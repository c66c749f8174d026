import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotifyError } from '@notify/email-core';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../test-support/thrown.js';
import { loadConfig, rabbitmqUrlFromParts } from '../src/config/load-config.js';

const configError = (env: NodeJS.ProcessEnv) => thrownBy(() => loadConfig(env), NotifyError.is);

describe('loadConfig', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      http: {
        port: 8000,
        host: '0.0.0.0',
        apiKeys: [],
        rateLimit: { perSecond: 100, burst: 200 },
        bodyLimitBytes: 262_144,
      },
      store: { url: undefined },
      queue: { url: undefined },
      redis: { url: undefined },
      email: { smtp: undefined, outboxDir: undefined },
      templates: { serviceUrl: undefined, dir: undefined },
      callbacks: { url: undefined },
      logging: { level: 'info', recipients: false },
      delivery: {
        maxRetries: 5,
        retryBaseMs: 2000,
        retryCapMs: 600_000,
        breaker: { failureThreshold: 5, resetTimeoutMs: 60_000 },
      },
    });
    expect(config.delivery.workerConcurrency).toBeGreaterThan(0);
    expect(config.email.from).toMatch(/@/);
  });

  it('treats empty values as unset and ignores unrelated variables', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '  ', PATH: '/usr/bin', HOME: '/root' });
    expect(config.http.port).toBe(8000);
    expect(config.store.url).toBeUndefined();
  });

  it('reads the predecessor .env example', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://user:password@localhost:5432/email_service',
      EMAIL_HOST: 'smtp.gmail.com',
      EMAIL_PORT: '587',
      EMAIL_USE_TLS: 'True',
      EMAIL_HOST_USER: 'your-email@gmail.com',
      EMAIL_HOST_PASSWORD: 'your-app-password',
      EMAIL_FROM: 'noreply@example.com',
      RABBITMQ_HOST: 'rabbitmq',
      RABBITMQ_USER: 'guest',
      RABBITMQ_PASSWORD: 'guest',
      TEMPLATE_SERVICE_URL: 'http://template-service:8000/templates/',
      STATUS_CALLBACK_URL: 'http://api-gateway:8000/api/v1/notifications/status/',
      LOG_LEVEL: 'INFO',
      REDIS_URL: 'redis://localhost:6379/0',
    });
    expect(config.store.url).toBe('postgresql://user:password@localhost:5432/email_service');
    expect(config.queue.url).toBe('amqp://guest:guest@rabbitmq:5672/%2F');
    expect(config.email.smtp).toEqual({
      host: 'smtp.gmail.com',
      port: 587,
      secure: false,
      requireTLS: true,
      auth: { user: 'your-email@gmail.com', pass: 'your-app-password' },
      poolSize: 10,
      connectionTimeoutMs: 10_000,
      greetingTimeoutMs: 10_000,
      socketTimeoutMs: 30_000,
    });
    expect(config.logging.level).toBe('info');
    expect(config.templates.serviceUrl).toBe('http://template-service:8000/templates/');
    expect(config.redis.url).toBe('redis://localhost:6379/0');
  });

  it('builds the RabbitMQ URL from its parts, percent-encoding each', () => {
    const config = loadConfig({
      RABBITMQ_HOST: 'mq.internal',
      RABBITMQ_PORT: '5673',
      RABBITMQ_USER: 'notify',
      RABBITMQ_PASSWORD: 'p@ss/w:rd',
      RABBITMQ_VHOST: 'email/prod',
    });
    expect(config.queue.url).toBe('amqp://notify:p%40ss%2Fw%3Ard@mq.internal:5673/email%2Fprod');
    expect(new URL(config.queue.url ?? '').password).toBe('p%40ss%2Fw%3Ard');
    expect(loadConfig({ RABBITMQ_URL: 'amqps://u:p@mq:5671/v' }).queue.url).toBe('amqps://u:p@mq:5671/v');
    expect(rabbitmqUrlFromParts({ host: '::1', port: 5672 })).toBe('amqp://guest:guest@[::1]:5672/%2F');
  });

  it('derives the SMTP port from the TLS mode and applies the tuning variables', () => {
    expect(loadConfig({ EMAIL_HOST: 'mx', EMAIL_FROM: 'a@b.io' }).email.smtp?.port).toBe(25);
    expect(
      loadConfig({ EMAIL_HOST: 'mx', EMAIL_FROM: 'a@b.io', EMAIL_USE_SSL: 'yes' }).email.smtp,
    ).toMatchObject({
      port: 465,
      secure: true,
      requireTLS: false,
      auth: undefined,
    });
    const tuned = loadConfig({
      EMAIL_HOST: 'mx',
      EMAIL_FROM: 'Example <noreply@example.com>',
      SMTP_POOL_SIZE: '2',
      SMTP_SOCKET_TIMEOUT_MS: '5000',
      WORKER_CONCURRENCY: '16',
      API_KEYS: ' key-aaaaaaaaaaaaaaaa , ,key-bbbbbbbbbbbbbbbb ',
      RATE_LIMIT_PER_SECOND: '0',
      OUTBOX_DIR: '/var/spool/notify',
      DATABASE_PREPARED_STATEMENTS: 'false',
    });
    expect(tuned.email.smtp).toMatchObject({ poolSize: 2, socketTimeoutMs: 5000 });
    expect(tuned.store.preparedStatements).toBe(false);
    expect(loadConfig({}).store.preparedStatements).toBe(true);
    expect(tuned.email.from).toBe('Example <noreply@example.com>');
    expect(tuned.delivery.workerConcurrency).toBe(16);
    expect(tuned.http.apiKeys).toEqual(['key-aaaaaaaaaaaaaaaa', 'key-bbbbbbbbbbbbbbbb']);
    expect(tuned.http.rateLimit).toBeUndefined();
    expect(tuned.email.outboxDir).toBe('/var/spool/notify');
  });

  it('reads EMAIL_TRANSPORT, which must agree with EMAIL_HOST', () => {
    expect(loadConfig({}).email).toMatchObject({ transportNamed: false, smtp: undefined });
    expect(loadConfig({ EMAIL_TRANSPORT: 'EML' }).email).toMatchObject({
      transportNamed: true,
      smtp: undefined,
    });
    expect(
      loadConfig({ EMAIL_TRANSPORT: 'smtp', EMAIL_HOST: 'mx', EMAIL_FROM: 'a@b.io' }).email.smtp?.host,
    ).toBe('mx');
    expect(configError({ EMAIL_TRANSPORT: 'smtp' }).message).toContain(
      'EMAIL_HOST is required when EMAIL_TRANSPORT is smtp',
    );
    expect(configError({ EMAIL_TRANSPORT: 'eml', EMAIL_HOST: 'mx', EMAIL_FROM: 'a@b.io' }).message).toContain(
      'EMAIL_TRANSPORT is eml while EMAIL_HOST is set',
    );
    expect(configError({ EMAIL_TRANSPORT: 'sendmail' }).message).toContain(
      'EMAIL_TRANSPORT must be one of smtp, eml',
    );
  });

  it('reads LOG_FORMAT: json or pretty, unset leaving it to whether stdout is a terminal', () => {
    expect(loadConfig({}).logging.format).toBeUndefined();
    expect(loadConfig({ LOG_FORMAT: 'Pretty' }).logging.format).toBe('pretty');
    expect(configError({ LOG_FORMAT: 'logfmt' }).message).toContain('LOG_FORMAT must be one of json, pretty');
  });

  it('accepts an existing TEMPLATES_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-templates-'));
    expect(loadConfig({ TEMPLATES_DIR: dir }).templates.dir).toBe(dir);
  });

  it('names every bad variable in one CONFIG_INVALID message', () => {
    const error = configError({
      PORT: 'eighty',
      DATABASE_URL: 'sqlite:///db.sqlite3',
      RABBITMQ_PORT: '99999',
      REDIS_URL: 'localhost:6379',
      EMAIL_PORT: '0',
      EMAIL_USE_TLS: 'maybe',
      EMAIL_FROM: 'not-an-address',
      TEMPLATE_SERVICE_URL: 'ftp://templates',
      TEMPLATES_DIR: '/definitely/not/here',
      STATUS_CALLBACK_URL: 'nope',
      LOG_LEVEL: 'verbose',
      MAX_RETRIES: '-1',
      WORKER_CONCURRENCY: '1.5',
      API_KEYS: 'short',
      RATE_LIMIT_BURST: '0',
      BREAKER_FAILURE_THRESHOLD: 'x',
    });
    expect(error.code).toBe('CONFIG_INVALID');
    const named = [
      'PORT',
      'DATABASE_URL',
      'RABBITMQ_PORT',
      'REDIS_URL',
      'EMAIL_PORT',
      'EMAIL_USE_TLS',
      'EMAIL_FROM',
      'TEMPLATE_SERVICE_URL',
      'TEMPLATES_DIR',
      'STATUS_CALLBACK_URL',
      'LOG_LEVEL',
      'MAX_RETRIES',
      'WORKER_CONCURRENCY',
      'API_KEYS',
      'RATE_LIMIT_BURST',
      'BREAKER_FAILURE_THRESHOLD',
    ];
    for (const variable of named) expect(error.message).toMatch(new RegExp(`\\b${variable}\\b`));
    expect(error.details?.map((d) => d.path).sort()).toEqual([...named].sort());
    expect(error.message).toMatch(/^Invalid configuration: /);
    // A variable that breaks two rules is named once, with both reasons.
    expect(error.message).toContain(
      'TEMPLATES_DIR must name an existing directory and is set together with TEMPLATE_SERVICE_URL',
    );
  });

  it('reads the lease and recovery timings, and keeps the send timeout below the lease', () => {
    const config = loadConfig({
      PROCESSING_LEASE_MS: '8000',
      BREAKER_TIMEOUT_MS: '6000',
      OUTBOX_RECOVERY_INTERVAL_MS: '500',
      OUTBOX_RECOVERY_GRACE_MS: '2000',
    });
    expect(config.delivery.processingLeaseMs).toBe(8000);
    expect(config.delivery.outboxRecovery).toEqual({ intervalMs: 500, graceMs: 2000 });
    expect(loadConfig({}).delivery.processingLeaseMs).toBe(60_000);
    expect(() => loadConfig({ PROCESSING_LEASE_MS: '5000' })).toThrow(
      /BREAKER_TIMEOUT_MS must be below PROCESSING_LEASE_MS/,
    );
  });

  it('reports rules between variables alongside field errors', () => {
    const error = configError({
      PORT: '-5',
      RABBITMQ_USER: 'notify',
      EMAIL_HOST: 'smtp.example.com',
      EMAIL_HOST_USER: 'mailer',
      EMAIL_USE_TLS: 'true',
      EMAIL_USE_SSL: 'true',
      STATUS_CALLBACK_SECRET: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=',
      RETRY_BASE_MS: '5000',
      RETRY_CAP_MS: '1000',
    });
    const paths = error.details?.map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'PORT',
        'RABBITMQ_USER',
        'EMAIL_HOST_PASSWORD',
        'EMAIL_FROM',
        'EMAIL_USE_SSL',
        'STATUS_CALLBACK_SECRET',
        'RETRY_CAP_MS',
      ]),
    );
    expect(error.message).toContain('EMAIL_FROM is required when EMAIL_HOST is set');
  });

  it('never repeats a secret value in the error', () => {
    const secrets = {
      DATABASE_URL: 'mysql://admin:db-S3cret-value@db/notify',
      RABBITMQ_URL: 'http://user:mq-S3cret-value@mq',
      REDIS_URL: 'redis//:redis-S3cret-value@cache',
      EMAIL_HOST_PASSWORD: 'smtp-S3cret-value',
      STATUS_CALLBACK_SECRET: 'cb-S3cret-value',
      API_KEYS: 'api S3cret value',
      RABBITMQ_PASSWORD: 'rabbit-S3cret-value',
    };
    const error = configError(secrets);
    const everything = JSON.stringify({ message: error.message, details: error.details, stack: error.stack });
    for (const value of Object.values(secrets)) expect(everything).not.toContain(value);
    // Bad values are named by variable; a lone password is reported through its missing partner.
    for (const variable of [
      'DATABASE_URL',
      'RABBITMQ_URL',
      'REDIS_URL',
      'API_KEYS',
      'EMAIL_HOST_USER',
      'STATUS_CALLBACK_SECRET',
    ]) {
      expect(everything).toContain(variable);
    }
    expect(everything).not.toContain('S3cret');
  });
});
