import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from '../src/logging/logger.js';

/** Collects each JSON line the logger writes. */
function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; raw: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines, raw: () => chunks.join('') };
}

describe('createLogger', () => {
  it('writes one JSON line with timestamp, level word, logger, message and bound ids', () => {
    const out = capture();
    const logger = createLogger({ name: 'email.worker', destination: out.stream });
    logger
      .child({ correlation_id: 'corr-1', request_id: 'req-1', task_id: 'task-1' })
      .info({ attempt: 2 }, 'Email sent successfully');
    const [line] = out.lines();
    expect(line).toMatchObject({
      level: 'INFO',
      logger: 'email.worker',
      message: 'Email sent successfully',
      correlation_id: 'corr-1',
      request_id: 'req-1',
      task_id: 'task-1',
      attempt: 2,
    });
    expect(String(line?.timestamp)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(line).not.toHaveProperty('time');
    expect(line).not.toHaveProperty('msg');
  });

  it("writes `logger` once, taking a child's own name over the root name", () => {
    const out = capture();
    const root = createLogger({ name: 'notify-email.api', destination: out.stream });
    root.child({ logger: 'email-engine' }).child({ request_id: 'r-1' }).info('accepted');
    root.child({ request_id: 'r-2' }).info('answered');
    const raw = out.raw();
    expect(raw.split('\n')[0]?.match(/"logger"/g)).toHaveLength(1);
    expect(out.lines().map((l) => l.logger)).toEqual(['email-engine', 'notify-email.api']);
  });

  it('honours the level and names each level as a word', () => {
    const out = capture();
    const logger = createLogger({ level: 'warn', destination: out.stream });
    logger.info('dropped');
    logger.warn('kept');
    logger.error({ err: new Error('boom') }, 'failed');
    const lines = out.lines();
    expect(lines.map((l) => l.level)).toEqual(['WARN', 'ERROR']);
    expect(lines[1]?.err).toMatchObject({ type: 'Error', message: 'boom' });
  });

  it('redacts secrets wherever they sit, including bindings', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    logger.child({ api_key: 'k-binding' }).info(
      {
        password: 'p-top',
        smtp: { auth: { user: 'mailer', pass: 'p-nested' } },
        headers: { authorization: 'Bearer k-header', 'x-api-key': 'k-x' },
        config: { apiKeys: ['k-1', 'k-2'], secret: 's-1' },
      },
      'configured',
    );
    const raw = JSON.stringify(out.lines());
    for (const secret of ['k-binding', 'p-top', 'p-nested', 'k-header', 'k-x', 'k-1', 's-1']) {
      expect(raw).not.toContain(secret);
    }
    expect(raw).toContain('mailer');
    expect(out.lines()[0]?.password).toBe(REDACTED);
  });

  it('redacts recipient addresses by default and shows them when asked', () => {
    const hidden = capture();
    createLogger({ destination: hidden.stream }).info(
      {
        to_email: 'john@example.com',
        variables: { email: 'john@example.com', name: 'John' },
        mail: { to: 'john@example.com' },
      },
      'accepted',
    );
    expect(JSON.stringify(hidden.lines())).not.toContain('john@example.com');
    expect(hidden.lines()[0]).toMatchObject({
      to_email: REDACTED,
      variables: { email: REDACTED, name: 'John' },
    });

    const shown = capture();
    createLogger({ destination: shown.stream, redactEmails: false }).info(
      { to_email: 'john@example.com', password: 'still-secret' },
      'accepted',
    );
    expect(shown.lines()[0]).toMatchObject({ to_email: 'john@example.com', password: REDACTED });
  });

  it('redacts at any depth, in arrays, in nested bindings and in an error, without touching the caller', () => {
    const out = capture();
    const logged = {
      batch: [{ message: { envelope: { recipients: [{ to: 'deep@example.com', name: 'Ada' }] } } }],
      sent_at: new Date('2026-01-02T03:04:05.000Z'),
    };
    const failure = Object.assign(new Error('auth failed'), {
      code: 'EAUTH',
      config: { auth: { user: 'mailer', pass: 'p-in-error' } },
    });
    createLogger({ destination: out.stream })
      .child({ smtp: { pool: { auth: { password: 'p-binding-deep' } } }, email: 'bound@example.com' })
      .error({ ...logged, err: failure }, 'batch failed');
    const later = createLogger({ destination: out.stream }).child({ component: 'smtp' });
    later.setBindings({ auth: { token: 'k-set-later' } });
    later.info('rebound');
    const raw = out.raw();
    for (const hidden of [
      'deep@example.com',
      'p-in-error',
      'p-binding-deep',
      'bound@example.com',
      'k-set-later',
    ]) {
      expect(raw).not.toContain(hidden);
    }
    const [line] = out.lines();
    expect(line).toMatchObject({
      batch: [{ message: { envelope: { recipients: [{ to: REDACTED, name: 'Ada' }] } } }],
      sent_at: '2026-01-02T03:04:05.000Z',
      smtp: { pool: { auth: { password: REDACTED } } },
      email: REDACTED,
      // The error keeps what the serializer makes of it: type, message and stack.
      err: {
        type: 'Error',
        message: 'auth failed',
        code: 'EAUTH',
        config: { auth: { user: 'mailer', pass: REDACTED } },
      },
    });
    expect(String((line?.err as { stack?: unknown } | undefined)?.stack)).toContain('auth failed');
    // The caller's objects are copied where redacted, never changed.
    expect(logged.batch[0]?.message.envelope.recipients[0]?.to).toBe('deep@example.com');
    expect(failure.config.auth.pass).toBe('p-in-error');
  });

  it('matches keys whatever their case and replaces an object nested past the depth limit whole', () => {
    const out = capture();
    let nested: Record<string, unknown> = { to: 'bottom@example.com' };
    for (let i = 0; i < 12; i += 1) nested = { level: nested };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    createLogger({ destination: out.stream }).info(
      { headers: { Authorization: 'Bearer k-upper', 'X-API-KEY': 'k-shout' }, nested, cyclic },
      'odd shapes',
    );
    const raw = out.raw();
    for (const hidden of ['k-upper', 'k-shout', 'bottom@example.com']) expect(raw).not.toContain(hidden);
    expect(raw).toContain('[Too deep]');
    expect(out.lines()[0]?.headers).toEqual({ Authorization: REDACTED, 'X-API-KEY': REDACTED });
  });
});

describe('createLogger, format pretty', () => {
  it('writes a line for a person: time, level word, message and fields, redacted as JSON is', () => {
    const out = capture();
    const logger = createLogger({ name: 'email.worker', destination: out.stream, format: 'pretty' });
    logger
      .child({ request_id: 'req-7' })
      .warn({ to: 'ann@example.com', attempt: 3 }, 'Sending to ann@example.com failed');
    const text = out.raw();
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN/);
    expect(text).toContain('Sending to [REDACTED] failed');
    expect(text).toContain('request_id: "req-7"');
    expect(text).toContain('attempt: 3');
    expect(text).not.toContain('ann@example.com');
    expect(() => JSON.parse(text.split('\n')[0] as string)).toThrow();
  });

  it('is json unless asked for, when the output is not a terminal (as here)', () => {
    const out = capture();
    createLogger({ destination: out.stream }).info({}, 'plain');
    expect(out.lines()[0]).toMatchObject({ level: 'INFO', message: 'plain' });
  });
});
