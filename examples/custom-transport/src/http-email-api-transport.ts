import {
  type MailMessage,
  type MailTransport,
  MailTransportToken,
  NotifyError,
  type SendResult,
} from '@notify/email-core';
import { ContainerModule } from 'inversify';

/** How to reach the HTTP email API (a Postmark / Resend / SES-style JSON endpoint). */
export interface HttpEmailApiTransportOptions {
  /** The API's base URL, e.g. `https://api.mail.example`; messages go to `POST <baseUrl>/email`. */
  baseUrl: string;
  /** The API token, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** A request taking longer fails with SMTP_TIMEOUT (retryable), in ms. Default 10 000. */
  timeoutMs?: number;
  /** The fetch to use; default the global one. Inject your own for proxies, or to share an agent. */
  fetch?: typeof fetch;
}

/** What the API answers to a successful send. */
interface SendReply {
  id: string;
}

function configInvalid(key: string, message: string): NotifyError {
  return new NotifyError('CONFIG_INVALID', `http email api transport option "${key}" ${message}`, {
    details: [{ path: key, message }],
  });
}

/**
 * A MailTransport on an HTTP email API. The only thing an adapter must get right beyond "send it"
 * is the error table: the engine decides retry or dead letter from `code` and `retryable`, so
 * 408/429/5xx and network failures are SMTP_TRANSIENT (a later attempt may succeed), any other
 * 4xx SMTP_PERMANENT (this message will never be accepted), a timeout SMTP_TIMEOUT.
 */
export class HttpEmailApiTransport implements MailTransport {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  /** Requests in flight, aborted by close() so shutdown never waits on a hung API. */
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(options: HttpEmailApiTransportOptions) {
    let url: URL;
    try {
      url = new URL(options?.baseUrl);
    } catch {
      throw configInvalid('baseUrl', 'must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw configInvalid('baseUrl', 'must be an absolute http(s) URL');
    }
    if (typeof options.token !== 'string' || options.token.trim() === '') {
      throw configInvalid('token', 'must be a non-empty string');
    }
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw configInvalid('timeoutMs', 'must be a positive whole number of milliseconds');
    }
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = timeoutMs;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async send(message: MailMessage): Promise<SendResult> {
    const response = await this.request('POST', '/email', {
      from: message.from,
      to: message.to,
      subject: message.subject,
      html: message.html,
      text: message.text,
      // The engine's deterministic Message-ID: a resend after a crash is recognisable downstream.
      headers: { ...message.headers, 'Message-ID': message.messageId },
    });
    const reply = (await response.json()) as SendReply;
    return {
      messageId: message.messageId,
      response: `${response.status} ${reply.id}`,
      accepted: [message.to],
    };
  }

  async verify(): Promise<void> {
    await this.request('GET', '/health');
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.inFlight) controller.abort(new Error('transport closed'));
  }

  /** One request; any failure becomes the NotifyError the engine expects. */
  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    if (this.closed) throw new NotifyError('SMTP_TRANSIENT', 'HTTP email API transport is closed');
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new TimeoutError(this.timeoutMs)), this.timeoutMs);
    let response: Response;
    try {
      response = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: controller.signal,
      });
    } catch (error) {
      if (controller.signal.reason instanceof TimeoutError) {
        throw new NotifyError('SMTP_TIMEOUT', `HTTP email API: no answer within ${this.timeoutMs} ms`, {
          cause: error,
        });
      }
      throw new NotifyError('SMTP_TRANSIENT', `HTTP email API unreachable: ${describe(error)}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
    if (response.ok) return response;
    const detail = (await response.text().catch(() => '')).slice(0, 300);
    const status = response.status;
    const transient = status === 408 || status === 429 || status >= 500;
    throw new NotifyError(
      transient ? 'SMTP_TRANSIENT' : 'SMTP_PERMANENT',
      `HTTP email API answered ${status} to ${method} ${path}: ${detail}`,
      { responseCode: status },
    );
  }
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  const message = error instanceof Error ? error.message : String(error);
  return cause ? `${message} (${cause})` : message;
}

/** Validates the options and builds the transport (throws CONFIG_INVALID naming the bad key). */
export function createHttpEmailApiTransport(options: HttpEmailApiTransportOptions): HttpEmailApiTransport {
  return new HttpEmailApiTransport(options);
}

/** Binds MailTransportToken for an inversify container, next to the core's `coreModule`. */
export function httpEmailApiTransportModule(options: HttpEmailApiTransportOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<MailTransport>(MailTransportToken)
      .toDynamicValue(() => createHttpEmailApiTransport(options))
      .inSingletonScope()
      .onDeactivation((transport) => transport.close());
  });
}
