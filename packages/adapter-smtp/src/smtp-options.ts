import { NotifyError } from '@notify/email-core';
import type { Transporter } from 'nodemailer';

/** How to reach and talk to the SMTP server. Every timeout has a finite default. */
export interface SmtpTransportOptions {
  /** Server host name or IP. Required unless `transporter` is given. */
  host?: string;
  /** Server port; defaults to 465 with `secure`, 587 otherwise. */
  port?: number;
  /** Implicit TLS from the first byte (usually port 465). Default false. */
  secure?: boolean;
  /** Insist on STARTTLS and fail when the server does not offer it. Default false. */
  requireTLS?: boolean;
  /** TLS settings for `secure` and STARTTLS. */
  tls?: {
    /** Refuse a certificate that does not verify. Default true; turn off only for test servers. */
    rejectUnauthorized?: boolean;
    /** Extra trusted CA certificate(s), PEM, e.g. a private relay's self-signed certificate. */
    ca?: string | string[];
    /** Server name for SNI and certificate checks when `host` is an IP address. */
    servername?: string;
  };
  /** Credentials for SMTP AUTH; omit for an open relay. */
  auth?: { user: string; pass: string };
  /** Name this client announces in EHLO. Defaults to the machine's host name. */
  clientName?: string;
  /** Most connections the pool opens at once. Default 5. */
  maxConnections?: number;
  /** Messages sent over one connection before it is recycled. Default 100. */
  maxMessages?: number;
  /** Milliseconds to wait for the TCP (and implicit TLS) connection. Default 10 000. */
  connectionTimeoutMs?: number;
  /** Milliseconds to wait for the server's greeting once connected. Default 10 000. */
  greetingTimeoutMs?: number;
  /** Milliseconds of silence on an open connection before it is given up. Default 30 000. */
  socketTimeoutMs?: number;
  /**
   * Upper bound in milliseconds for one `send()`, queueing in the pool included. It catches a
   * server that trickles replies slowly enough to never trip `socketTimeoutMs`. Default 120 000.
   */
  sendTimeoutMs?: number;
  /**
   * A ready nodemailer transporter (e.g. one shared with other code). Connection options above
   * are then ignored, and `close()` leaves it open: its owner closes it.
   */
  transporter?: Transporter;
}

export interface ResolvedSmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  requireTLS: boolean;
  tls: { rejectUnauthorized: boolean; ca?: string | string[]; servername?: string };
  auth?: { user: string; pass: string };
  clientName?: string;
  maxConnections: number;
  maxMessages: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
  sendTimeoutMs: number;
}

function invalid(key: string, message: string): NotifyError {
  return new NotifyError('CONFIG_INVALID', `SMTP transport option ${key} ${message}`, {
    details: [{ path: key, message }],
  });
}

function positiveInt(key: string, value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalid(key, `must be an integer between 1 and ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function optionalBoolean(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(key, `must be a boolean, got ${JSON.stringify(value)}`);
  return value;
}

/** Validates the options and fills in defaults; throws CONFIG_INVALID naming the first bad key. */
export function resolveSmtpOptions(options: SmtpTransportOptions): ResolvedSmtpOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  const secure = optionalBoolean('secure', options.secure, false);
  const requireTLS = optionalBoolean('requireTLS', options.requireTLS, false);
  if (secure && requireTLS) {
    throw invalid('requireTLS', 'is for STARTTLS and cannot be combined with secure (implicit TLS)');
  }
  const host = options.host ?? (options.transporter ? 'injected' : undefined);
  if (typeof host !== 'string' || host.trim() === '') throw invalid('host', 'must be a non-empty string');
  const tls = options.tls ?? {};
  if (typeof tls !== 'object' || tls === null) throw invalid('tls', 'must be an object');
  const rejectUnauthorized = optionalBoolean('tls.rejectUnauthorized', tls.rejectUnauthorized, true);
  if (tls.servername !== undefined && (typeof tls.servername !== 'string' || tls.servername === '')) {
    throw invalid('tls.servername', 'must be a non-empty string');
  }
  if (options.auth !== undefined) {
    const { user, pass } = options.auth ?? {};
    if (typeof user !== 'string' || user === '') throw invalid('auth.user', 'must be a non-empty string');
    if (typeof pass !== 'string') throw invalid('auth.pass', 'must be a string');
  }
  if (
    options.clientName !== undefined &&
    (typeof options.clientName !== 'string' || options.clientName === '')
  ) {
    throw invalid('clientName', 'must be a non-empty string');
  }
  return {
    host,
    port: positiveInt('port', options.port, secure ? 465 : 587, 65_535),
    secure,
    requireTLS,
    tls: { rejectUnauthorized, ca: tls.ca, servername: tls.servername },
    auth: options.auth,
    clientName: options.clientName,
    maxConnections: positiveInt('maxConnections', options.maxConnections, 5, 1_000),
    maxMessages: positiveInt('maxMessages', options.maxMessages, 100),
    connectionTimeoutMs: positiveInt('connectionTimeoutMs', options.connectionTimeoutMs, 10_000),
    greetingTimeoutMs: positiveInt('greetingTimeoutMs', options.greetingTimeoutMs, 10_000),
    socketTimeoutMs: positiveInt('socketTimeoutMs', options.socketTimeoutMs, 30_000),
    sendTimeoutMs: positiveInt('sendTimeoutMs', options.sendTimeoutMs, 120_000),
  };
}
