// Shared set-up for the use-case tests: an engine on the in-memory backends, through the test
// doubles that add outages, scripted failures and logs to them, and a manual clock.
import { createEmailEngine, type EngineOptions, type QueueMessage, type Template } from '@notify/email-core';
import {
  ControllableMailTransport,
  ControllableNotificationQueue,
  ControllableNotificationStore,
  ControllableStatusNotifier,
  ControllableTemplateSource,
  ManualClock,
  RecordingWebhookSender,
} from '@notify/email-core/testing';
import { afterEach } from 'vitest';

export const WELCOME: Template = {
  code: 'welcome',
  subject: 'Welcome, {{name}}',
  html: '<p>Hello {{name}}</p>',
  text: 'Hello {{name}}',
};

export interface HarnessOptions {
  options?: Partial<EngineOptions>;
  queue?: ControllableNotificationQueue;
}

export function makeHarness(harness: HarnessOptions = {}) {
  const clock = new ManualClock();
  const store = new ControllableNotificationStore({ clock });
  const queue = harness.queue ?? new ControllableNotificationQueue();
  const transport = new ControllableMailTransport();
  const templates = new ControllableTemplateSource([WELCOME]);
  const notifier = new ControllableStatusNotifier();
  const sender = new RecordingWebhookSender();
  // Every URL allowed: the SSRF guard is adapter-http's, tested there.
  const urlGuard = { check: async () => {} };
  const engine = createEmailEngine(
    { store, queue, transport, templates, notifier, clock, webhookSender: sender, urlGuard },
    { from: 'Notify <no-reply@mail.example.test>', workerId: 'worker-a', ...harness.options },
  );
  /** Accepts a notification and returns the queue message a worker would receive for it. */
  const accept = async (overrides: Record<string, unknown> = {}): Promise<QueueMessage> => {
    const result = await engine.acceptNotification({ body: body(overrides), correlationId: 'corr-1' });
    const record = await store.getByRequestId(result.request_id);
    if (record === null) throw new Error('accepted record missing');
    return {
      requestId: record.requestId,
      taskId: record.id,
      priority: record.priority,
      correlationId: 'corr-1',
    };
  };
  return { clock, store, queue, transport, templates, notifier, sender, engine, accept };
}

export type Harness = ReturnType<typeof makeHarness>;

/**
 * `makeHarness` for one test file, with every engine it made stopped after each test (its relay
 * and recovery timers would otherwise outlive the test). Call it at the top of the file.
 */
export function harnessStoppedAfterEach(): typeof makeHarness {
  const made: Harness[] = [];
  afterEach(async () => {
    for (const h of made.splice(0)) await h.engine.stop();
  });
  return (options) => {
    const h = makeHarness(options);
    made.push(h);
    return h;
  };
}

let counter = 0;

/** A valid accept body; `request_id` unique per call unless overridden. */
export function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    notification_type: 'email',
    user_id: 'user-1',
    template_code: 'welcome',
    variables: { email: 'ada@example.test', name: 'Ada' },
    request_id: `req-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    ...overrides,
  };
}

/** Resolves with what `promise` rejected with; fails when it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
