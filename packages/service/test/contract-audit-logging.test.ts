import { Writable } from 'node:stream';
import { NotifyError } from '@notify/email-core';
import { describe, expect, it } from 'vitest';
import { composeService } from '../src/compose/compose-service.js';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger, REDACTED } from '../src/logging/logger.js';

// docs/configuration.md, Logs: "Secrets and (by default) recipient addresses are redacted", and the
// configuration's LOG_LEVEL is honoured by the composed service.

function capture(): { stream: Writable; raw: () => string; lines: () => Array<Record<string, unknown>> } {
  let raw = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw += String(chunk);
      done();
    },
  });
  return {
    stream,
    raw: () => raw,
    lines: () =>
      raw
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** What the SMTP adapter throws for a 451 whose reply quotes the recipient, as real servers do. */
function smtpReplyError(address: string): NotifyError {
  return new NotifyError(
    'SMTP_TRANSIENT',
    `SMTP server answered 451 to RCPT TO: 451 4.2.1 <${address}>: busy`,
    {
      cause: new Error(`Can't send mail - all recipients were rejected: 451 <${address}>`),
    },
  );
}

describe('audit: recipient addresses stay out of the logs by default', () => {
  it('redacts an address quoted inside an error message, its stack and its cause', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    logger.warn(
      { err: smtpReplyError('grace.hopper@audit.example'), request_id: 'r-1' },
      'Transient failure',
    );
    logger.error({ error: 'last error: 550 <grace.hopper@audit.example> unknown' }, 'Notification failed');
    logger.info(`sent to grace.hopper@audit.example`);
    expect(out.raw()).not.toContain('grace.hopper@audit.example');
    const [first, second, third] = out.lines();
    expect(first?.err).toMatchObject({ message: expect.stringContaining(`<${REDACTED}>`) });
    expect(first?.request_id).toBe('r-1');
    expect(second?.error).toBe(`last error: 550 <${REDACTED}> unknown`);
    expect(third?.message).toBe(`sent to ${REDACTED}`);
  });

  it('keeps every line valid JSON when an address follows an escape, and keeps package@version', () => {
    const out = capture();
    createLogger({ destination: out.stream }).info(
      {
        detail: 'line one\nada@example.com\t"quoted" bob@example.org',
        at: 'node_modules/.pnpm/pino@10.4.0/x.js',
      },
      'escapes',
    );
    const [line] = out.lines();
    expect(line?.detail).toBe(`line one\n${REDACTED}\t"quoted" ${REDACTED}`);
    expect(line?.at).toBe('node_modules/.pnpm/pino@10.4.0/x.js');
  });

  it('shows addresses when recipient logging is switched on (LOG_RECIPIENTS=true)', () => {
    const out = capture();
    createLogger({ destination: out.stream, redactEmails: false }).warn(
      { err: smtpReplyError('grace.hopper@audit.example') },
      'Transient failure',
    );
    expect(out.raw()).toContain('grace.hopper@audit.example');
  });
});

describe('audit: LOG_LEVEL reaches the composed service', () => {
  it('writes at the configured level and nothing below it', async () => {
    for (const level of ['warn', 'debug', 'error']) {
      const service = await composeService(loadConfig({ LOG_LEVEL: level.toUpperCase() }));
      try {
        expect(service.logger.level).toBe(level);
      } finally {
        await service.close();
      }
    }
  });
});
