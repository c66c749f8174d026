import {
  createEmailEngine,
  type EmailEngine,
  type EmailEngineInstance,
  type EngineOptions,
  InMemoryTemplateSource,
  type RateLimiter,
  type WebhookUrlGuard,
} from '@notify/email-core';
import {
  ControllableMailTransport,
  ControllableNotificationQueue,
  ControllableNotificationStore,
  type RecordedLine,
  recordingLogger,
} from '@notify/email-core/testing';
import { createApp, type RunningHttpServer, startHttpServer } from '../src/index.js';

/** A parsed response body; tests poke into it freely and assert the shape themselves. */
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON of arbitrary shape, checked by the assertions
export type JsonBody = any;

/** One line the app logged (see recordingLogger in the core's testing entry). */
export type LogLine = RecordedLine;

export interface ApiHarnessOptions {
  apiKeys?: string[];
  rateLimiter?: RateLimiter;
  bodyLimitBytes?: number;
  /** Wraps the real engine, e.g. to slow a use case down. */
  wrapEngine?: (engine: EmailEngine) => EmailEngine;
  drainTimeoutMs?: number;
  engineOptions?: Partial<EngineOptions>;
  /** The engine's SSRF guard for webhook URLs; without one, creating a webhook is CONFIG_INVALID. */
  urlGuard?: WebhookUrlGuard;
}

export interface ApiHarness {
  baseUrl: string;
  store: ControllableNotificationStore;
  queue: ControllableNotificationQueue;
  transport: ControllableMailTransport;
  /** The real engine on the in-memory backends (unwrapped). */
  runtime: EmailEngineInstance;
  /** What the app was given (the runtime, possibly wrapped). */
  engine: EmailEngine;
  logs: LogLine[];
  server: RunningHttpServer;
  /** fetch relative to the server, parsing the JSON envelope. */
  call(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: JsonBody }>;
  /** POSTs `body` as JSON to the accept route. */
  post(
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: JsonBody }>;
  close(): Promise<void>;
}

export const WELCOME = { code: 'welcome', subject: 'Hello {{name}}', text: 'Hi {{name}}' };

let counter = 0;
/** A valid accept body with a unique request_id. */
export function validBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    notification_type: 'email',
    user_id: 'user-1',
    template_code: 'welcome',
    variables: { email: 'ada@example.com', name: 'Ada' },
    request_id: `req-${process.pid}-${Date.now()}-${counter}`,
    ...overrides,
  };
}

/**
 * The whole API on the core's in-memory backends, through the test doubles that can fail them,
 * served by a real Koa server on an ephemeral port.
 */
export async function startApi(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const store = new ControllableNotificationStore();
  const queue = new ControllableNotificationQueue();
  const transport = new ControllableMailTransport();
  const templates = new InMemoryTemplateSource([WELCOME]);
  const runtime = createEmailEngine(
    { store, queue, transport, templates, urlGuard: options.urlGuard },
    { from: 'noreply@example.com', version: '9.9.9-test', ...options.engineOptions },
  );
  const engine = options.wrapEngine ? options.wrapEngine(runtime) : runtime;
  const logger = recordingLogger();
  const lines = logger.lines;
  const app = createApp({
    engine,
    logger,
    apiKeys: options.apiKeys,
    rateLimiter: options.rateLimiter,
    bodyLimitBytes: options.bodyLimitBytes,
  });
  const server = await startHttpServer(app, {
    port: 0,
    host: '127.0.0.1',
    drainTimeoutMs: options.drainTimeoutMs,
    logger,
  });
  const baseUrl = `http://127.0.0.1:${server.port}`;

  const call: ApiHarness['call'] = async (path, init) => {
    const response = await fetch(`${baseUrl}${path}`, init);
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  const post: ApiHarness['post'] = (body, headers = {}) =>
    call('/api/v1/notifications/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  return {
    baseUrl,
    store,
    queue,
    transport,
    runtime,
    engine,
    logs: lines,
    server,
    call,
    post,
    async close() {
      await server.close();
      await runtime.stop();
    },
  };
}

/** Asserts the envelope of a failure (docs/api.md): success false, data null, error with code and message. */
export function expectFailure(body: JsonBody, code: string): void {
  if (
    body?.success !== false ||
    body.data !== null ||
    body.meta !== null ||
    body.error?.code !== code ||
    typeof body.error.message !== 'string' ||
    body.message !== body.error.message
  ) {
    throw new Error(`expected a ${code} failure envelope, got ${JSON.stringify(body)}`);
  }
}
