import { NotifyError } from '@notify/email-core';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../test-support/thrown.js';
import { createEmlFileTransport, createSmtpTransport, type SmtpTransportOptions } from '../src/index.js';
import { resolveSmtpOptions } from '../src/smtp-options.js';

const configError = (options: unknown) =>
  thrownBy(() => createSmtpTransport(options as SmtpTransportOptions), NotifyError.is);

describe('SMTP transport options', () => {
  it.each([
    [{}, 'host'],
    [{ host: '' }, 'host'],
    [{ host: 'smtp.test', port: 0 }, 'port'],
    [{ host: 'smtp.test', port: 70_000 }, 'port'],
    [{ host: 'smtp.test', port: '25' }, 'port'],
    [{ host: 'smtp.test', secure: 'yes' }, 'secure'],
    [{ host: 'smtp.test', secure: true, requireTLS: true }, 'requireTLS'],
    [{ host: 'smtp.test', tls: { rejectUnauthorized: 'no' } }, 'tls.rejectUnauthorized'],
    [{ host: 'smtp.test', auth: { user: '', pass: 'x' } }, 'auth.user'],
    [{ host: 'smtp.test', auth: { user: 'u' } }, 'auth.pass'],
    [{ host: 'smtp.test', maxConnections: 0 }, 'maxConnections'],
    [{ host: 'smtp.test', socketTimeoutMs: -1 }, 'socketTimeoutMs'],
    [{ host: 'smtp.test', greetingTimeoutMs: 1.5 }, 'greetingTimeoutMs'],
  ])('%j is CONFIG_INVALID naming %s', (options, key) => {
    const error = configError(options);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(key);
    expect(error.details?.[0]?.path).toBe(key);
  });

  it('fills in finite timeouts and pool sizes, so a silent server cannot hang a worker', () => {
    const resolved = resolveSmtpOptions({ host: 'smtp.test' });
    expect(resolved).toMatchObject({
      port: 587,
      secure: false,
      requireTLS: false,
      tls: { rejectUnauthorized: true },
      maxConnections: 5,
      maxMessages: 100,
    });
    for (const key of [
      'connectionTimeoutMs',
      'greetingTimeoutMs',
      'socketTimeoutMs',
      'sendTimeoutMs',
    ] as const) {
      expect(resolved[key]).toBeGreaterThan(0);
      expect(resolved[key]).toBeLessThanOrEqual(120_000);
    }
    expect(resolveSmtpOptions({ host: 'smtp.test', secure: true }).port).toBe(465);
  });

  it('the EML transport needs a directory', () => {
    expect(() => createEmlFileTransport({ directory: '' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('directory') }),
    );
  });
});
