// Shared set-up for the use-case tests: an engine on the in-memory fakes and a manual clock.
import {
  createEmailEngine,
  type EngineOptions,
  InMemoryMailTransport,
  InMemoryNotificationQueue,
  InMemoryNotificationStore,
  InMemoryStatusNotifier,
  InMemoryTemplateSource,
  ManualClock,
  type QueueMessage,
  type Template,
} from '@notify/email-core';
import { afterEach } from 'vitest';

export const WELCOME: Template = {
  code: 'welcome',
  subject: 'Welcome, {{name}}',
  html: '<p>Hello {{name}}</p>',
  text: 'Hello {{name}}',
};

export interface HarnessOptions {
  options?: Partial<EngineOptions>;
  queue?: InMemoryNotificationQueue;
}

export function makeHarness(harness: HarnessOptions = {}) {
  const clock = new ManualClock();
  const store = new InMemoryNotificationStore({ clock });
  const queue = harness.queue ?? new InMemoryNotificationQueue();
  const transport = new InMemoryMailTransport();
  const templates = new InMemoryTemplateSource([WELCOME]);
  const notifier = new InMemoryStatusNotifier();
  const engine = createEmailEngine(
    { store, queue, transport, templates, notifier, clock },
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
  return { clock, store, queue, transport, templates, notifier, engine, accept };
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
