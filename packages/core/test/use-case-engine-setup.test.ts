import {
  ClockToken,
  coreModule,
  createEmailEngine,
  defaultTemplatesDir,
  directoryTemplateSourceModule,
  domainOf,
  type EmailEngineRuntime,
  EmailEngineToken,
  InMemoryMailTransport,
  InMemoryNotificationStore,
  InMemoryStatusNotifier,
  InMemoryTemplateSource,
  inMemoryQueueModule,
  inMemoryRateLimiterModule,
  inMemoryStoreModule,
  MailTransportToken,
  type NotificationQueue,
  NotificationQueueToken,
  type NotificationStore,
  NotificationStoreToken,
  NotifyError,
  type RateLimiter,
  RateLimiterToken,
  StatusNotifierToken,
  TemplateSourceToken,
} from '@notify/email-core';
import { ControllableNotificationQueue, ManualClock } from '@notify/email-core/testing';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../test-support/thrown.js';
import { body, WELCOME } from './use-case-harness.js';

function ports() {
  return {
    store: new InMemoryNotificationStore(),
    // The double, whose log shows what the engine published.
    queue: new ControllableNotificationQueue(),
    transport: new InMemoryMailTransport(),
    templates: new InMemoryTemplateSource([WELCOME]),
  };
}

const configError = (run: () => unknown) => thrownBy(run, NotifyError.is);

describe('createEmailEngine options', () => {
  it('names every bad key in one CONFIG_INVALID', () => {
    const error = configError(() =>
      createEmailEngine(ports(), {
        from: 'not an address',
        maxRetries: -1,
        leaseMs: 1.5,
        breaker: { failureThreshold: 0 },
        outbox: { batchSize: 0 },
      }),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details?.map((d) => d.path)).toEqual([
      'from',
      'maxRetries',
      'leaseMs',
      'breaker.failureThreshold',
      'outbox.batchSize',
    ]);
    expect(error.message).toContain('breaker.failureThreshold');
  });

  it('refuses a send timeout that outlives the lease, and a cap below the base', () => {
    const error = configError(() =>
      createEmailEngine(ports(), {
        from: 'a@b.example',
        leaseMs: 10_000,
        breaker: { timeoutMs: 10_000 },
        retryBaseMs: 5_000,
        retryCapMs: 1_000,
      }),
    );
    expect(error.details?.map((d) => d.path).sort()).toEqual(['breaker.timeoutMs', 'retryCapMs']);
  });

  it('reads the domain of a bare or named From address', () => {
    expect(domainOf('no-reply@example.com')).toBe('example.com');
    expect(domainOf('Example Mail <no-reply@mail.example.com>')).toBe('mail.example.com');
    expect(domainOf('no-reply')).toBeUndefined();
    expect(domainOf('a@b@c')).toBeUndefined();
  });
});

describe('coreModule', () => {
  it('resolves one engine from the port tokens, and it works', async () => {
    const deps = ports();
    const notifier = new InMemoryStatusNotifier();
    const container = new Container();
    container.bind(NotificationStoreToken).toConstantValue(deps.store);
    container.bind(NotificationQueueToken).toConstantValue(deps.queue);
    container.bind(MailTransportToken).toConstantValue(deps.transport);
    container.bind(TemplateSourceToken).toConstantValue(deps.templates);
    container.bind(StatusNotifierToken).toConstantValue(notifier);
    container.bind(ClockToken).toConstantValue(new ManualClock('2031-05-05T00:00:00Z'));
    container.load(coreModule({ from: 'no-reply@example.test', workerId: 'container-worker' }));

    const engine = container.get<EmailEngineRuntime>(EmailEngineToken);
    expect(container.get(EmailEngineToken)).toBe(engine);
    const accepted = await engine.acceptNotification({
      body: body({ request_id: 'di-1' }),
      correlationId: 'c',
    });
    // The bound clock is the one in use.
    expect((await engine.getNotification('di-1')).created_at).toBe('2031-05-05T00:00:00.000Z');
    expect(
      await engine.processNotification({
        requestId: 'di-1',
        taskId: accepted.task_id,
        priority: 10,
        correlationId: 'c',
      }),
    ).toBe('delivered');
    expect(notifier.events.map((e) => e.status)).toEqual(['delivered']);
    await container.unbindAllAsync();
    expect(deps.queue.published.map((p) => p.message.requestId)).toEqual(['di-1']);
  });

  it('works without the optional notifier, clock and logger', () => {
    const deps = ports();
    const container = new Container();
    container.bind(NotificationStoreToken).toConstantValue(deps.store);
    container.bind(NotificationQueueToken).toConstantValue(deps.queue);
    container.bind(MailTransportToken).toConstantValue(deps.transport);
    container.bind(TemplateSourceToken).toConstantValue(deps.templates);
    container.load(coreModule({ from: 'no-reply@example.test' }));
    expect(container.get<EmailEngineRuntime>(EmailEngineToken).breakerState()).toBe('closed');
  });

  it('reports a missing required port and bad options at resolution', () => {
    const container = new Container();
    container.load(coreModule({ from: 'no-reply@example.test' }));
    expect(() => container.get(EmailEngineToken)).toThrow();
    const deps = ports();
    const bad = new Container();
    bad.bind(NotificationStoreToken).toConstantValue(deps.store);
    bad.bind(NotificationQueueToken).toConstantValue(deps.queue);
    bad.bind(MailTransportToken).toConstantValue(deps.transport);
    bad.bind(TemplateSourceToken).toConstantValue(deps.templates);
    bad.load(coreModule({ from: '' }));
    expect(configError(() => bad.get(EmailEngineToken)).details?.[0]?.path).toBe('from');
  });
});

describe('the in-memory backends as container modules', () => {
  it('bind each port to a working backend, and unbinding closes it', async () => {
    const transport = new InMemoryMailTransport();
    const container = new Container();
    container.bind(MailTransportToken).toConstantValue(transport);
    container.load(
      inMemoryStoreModule(),
      inMemoryQueueModule(),
      inMemoryRateLimiterModule({ ratePerSecond: 1, burst: 1 }),
      directoryTemplateSourceModule(defaultTemplatesDir()),
      coreModule({ from: 'no-reply@example.test' }),
    );
    const engine = container.get<EmailEngineRuntime>(EmailEngineToken);
    const store = container.get<NotificationStore>(NotificationStoreToken);
    const queue = container.get<NotificationQueue>(NotificationQueueToken);
    const limiter = container.get<RateLimiter>(RateLimiterToken);
    expect(store.capabilities).toEqual({ durable: false, shared: false });
    expect((await limiter.consume('k')).allowed).toBe(true);
    expect((await limiter.consume('k')).allowed).toBe(false);

    const accepted = await engine.acceptNotification({
      body: {
        notification_type: 'email',
        user_id: 'u',
        template_code: 'welcome_email',
        request_id: 'mod-1',
        variables: { email: 'ann@example.com', name: 'Ann', link: 'https://example.com' },
      },
      correlationId: 'c',
    });
    const message = { requestId: 'mod-1', taskId: accepted.task_id, priority: 10, correlationId: 'c' };
    expect(await engine.processNotification(message)).toBe('delivered');
    expect(transport.sent[0]?.subject).toBe('Welcome, Ann!');

    await container.unbindAllAsync();
    await expect(queue.ping()).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
