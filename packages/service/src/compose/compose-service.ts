import { rmdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import {
  coreModule,
  type EmailEngineInstance,
  EmailEngineToken,
  LoggerToken,
  type MailTransport,
  MailTransportToken,
  type NotificationQueue,
  NotificationQueueToken,
  type NotificationStore,
  NotificationStoreToken,
  NotifyError,
  type RateLimiter,
  RateLimiterToken,
  STATUS_CALLBACK_ENDPOINT_ID,
  StatusNotifierToken,
  statusCallbackEndpoint,
  TemplateSourceToken,
} from '@notify/email-core';
import { Container, type ContainerModule } from 'inversify';
import type pino from 'pino';
import type { ServiceConfig } from '../config/load-config.js';
import { createLogger } from '../logging/logger.js';
import { type ClosingStep, closeInOrder } from '../process/close-in-order.js';
import { serviceVersion } from '../version.js';
import { type BackendChoice, type BackendPort, chooseBackends } from './backend-modules.js';

export type ServiceRole = 'api' | 'worker' | 'embedded';

export interface ComposeOptions {
  /** What the process runs: the API, a worker, or both in one process (embedded). Default embedded. */
  role?: ServiceRole;
  /** A logger to use instead of one built from the config (tests capture lines this way). */
  logger?: pino.Logger;
  /**
   * How the refusal of unshared backends reads: who needs them and why. Default: a separate API or
   * worker process, which shares its work with the others. Set by tools that run on the workers'
   * store and queue (notify-dead-letters).
   */
  sharedBackends?: { who: string; why: string };
  /**
   * Whether the process sends mail (default: every role but the API), and so must deliver it on a
   * shared store. Tools that only read and replay (notify-dead-letters) pass false.
   */
  sends?: boolean;
  /**
   * Modules to bind instead of the configured ones, by port: an embedder's own adapter run by the
   * stock composition. Each module binds its port's token, as the adapters' modules do, and the
   * composition judges it by the capabilities it declares, like any other backend.
   */
  backends?: Partial<Record<BackendPort, { name: string; module: ContainerModule }>>;
}

/** Everything a host process needs, built from the configuration. */
export interface Service {
  engine: EmailEngineInstance;
  queue: NotificationQueue;
  store: NotificationStore;
  transport: MailTransport;
  /** Present when the API should limit request rates. */
  rateLimiter?: RateLimiter;
  logger: pino.Logger;
  /** Where `.eml` files are written when no SMTP host is configured; undefined when sending by SMTP. */
  outboxDir?: string;
  /** Which implementation backs each port, for the start-up log line (no secrets). */
  backends: Record<BackendPort, string>;
  /** Stops the engine's background loops, then closes every adapter. Safe to call twice. */
  close(): Promise<void>;
}

/** The order of closing: the engine first, since stopping it flushes the relay into store and queue. */
const CLOSING: Array<{ name: string; token: symbol }> = [
  { name: 'engine', token: EmailEngineToken },
  { name: 'store', token: NotificationStoreToken },
  { name: 'queue', token: NotificationQueueToken },
  { name: 'transport', token: MailTransportToken },
  { name: 'templates', token: TemplateSourceToken },
  { name: 'status callbacks', token: StatusNotifierToken },
  { name: 'rate limiter', token: RateLimiterToken },
];

/**
 * The composition root of the stock service: one inversify container, loaded with one module per
 * port (an adapter's where its variable is set, the core's in-memory backend otherwise) and the
 * core's engine module. What the process may run on is decided by what the backends declare: a
 * separate API or worker process needs a store and a queue that other processes share.
 */
export async function composeService(config: ServiceConfig, options: ComposeOptions = {}): Promise<Service> {
  const role = options.role ?? 'embedded';
  const logger =
    options.logger ??
    createLogger({
      level: config.logging.level,
      name: `notify-email.${role}`,
      redactEmails: !config.logging.recipients,
      ...(config.logging.format ? { format: config.logging.format } : {}),
    });
  const workerId = `${hostname()}:${process.pid}`;
  const container = new Container();
  const steps: ClosingStep[] = CLOSING.map(({ name, token }) => ({
    name,
    close: async () => {
      if (container.isBound(token)) await container.unbindAsync(token);
    },
  }));
  const closeAll = () => closeInOrder(steps, logger, config.process.shutdownTimeoutMs);

  try {
    const plan = await chooseBackends(config, {
      connectionName: `notify-email ${role} ${workerId}`,
      logger,
      rateLimits: role !== 'worker',
    });
    const temporaryOutbox = plan.temporaryOutbox ? plan.outboxDir : undefined;
    if (temporaryOutbox !== undefined) {
      // A temp folder this process made and never wrote to is litter; one holding mail is kept.
      steps.push({
        name: 'empty outbox folder',
        close: async () => rmdir(temporaryOutbox).catch(() => undefined),
      });
    }
    container.bind(LoggerToken).toConstantValue(logger);
    const choices = withOverrides(plan.choices, options.backends ?? {});
    // Webhook URLs are checked in every mode: the embedded service sends where a client says too.
    const { webhookSenderModule, webhookUrlGuardModule } = await import('@notify/adapter-http');
    const urlRules = { allowPrivateNetworks: config.webhooks.allowPrivateNetworks };
    await container.loadAsync(
      ...choices.map((choice) => choice.module),
      webhookUrlGuardModule(urlRules),
      // Bound in every role; only the processes that deliver (worker, embedded) start the dispatcher.
      webhookSenderModule(urlRules),
      coreModule({
        from: config.email.from,
        maxRetries: config.delivery.maxRetries,
        retryBaseMs: config.delivery.retryBaseMs,
        retryCapMs: config.delivery.retryCapMs,
        workerId,
        version: serviceVersion(),
        breaker: config.delivery.breaker,
        leaseMs: config.delivery.processingLeaseMs,
        outbox: {
          recoveryIntervalMs: config.delivery.outboxRecovery.intervalMs,
          recoveryGraceMs: config.delivery.outboxRecovery.graceMs,
        },
        webhooks: {
          timeoutMs: config.webhooks.timeoutMs,
          retryScheduleMs: config.webhooks.retryScheduleMs,
          disableAfterMs: config.webhooks.disableAfterMs,
          pollIntervalMs: config.webhooks.pollIntervalMs,
          concurrency: config.webhooks.concurrency,
        },
      }),
    );
    const store = container.get<NotificationStore>(NotificationStoreToken);
    const queue = container.get<NotificationQueue>(NotificationQueueToken);
    const transport = container.get<MailTransport>(MailTransportToken);
    const refusals = [
      role === 'embedded'
        ? undefined
        : unsharedBackends(
            store,
            queue,
            choices,
            options.sharedBackends ?? {
              who: `a separate ${role} process`,
              why:
                'which it shares with the other processes; without them run the embedded service (notify-serve), ' +
                'which holds API and worker in one process',
            },
          ),
      (options.sends ?? role !== 'api') && store.capabilities.shared && !config.email.transportNamed
        ? undeliveredMail(transport, role)
        : undefined,
    ].filter((refusal): refusal is Refusal => refusal !== undefined);
    refusals.push(...(await refusedBackends([store, queue])));
    if (refusals.length > 0) {
      throw new NotifyError(
        'CONFIG_INVALID',
        `Invalid configuration: ${refusals.map((r) => r.sentence).join('; ')}`,
        { details: refusals.flatMap((r) => r.details) },
      );
    }
    if (store.capabilities.durable && !queue.capabilities.durable) {
      logger.warn(
        {},
        'The queue is in memory while the store is durable: messages waiting in it are lost when the process ' +
          'stops, and their notifications stay queued; configure RabbitMQ for production',
      );
    }
    const engine = container.get<EmailEngineInstance>(EmailEngineToken);
    const backends = Object.fromEntries(
      (['store', 'queue', 'transport', 'templates', 'notifier', 'rateLimiter'] as const).map((port) => [
        port,
        choices.find((choice) => choice.port === port)?.name ?? 'none',
      ]),
    ) as Record<BackendPort, string>;
    if (backends.notifier === 'none' && config.callbacks.url) backends.notifier = 'webhook outbox';
    const callbackSync = keepStatusCallbackInStep(store, config.callbacks, logger);
    steps.unshift({ name: 'status callback endpoint', close: async () => callbackSync.stop() });
    // Saved before the first event can be written, when the store answers.
    await callbackSync.first;

    let closing: Promise<void> | undefined;
    const service: Service = {
      engine,
      queue,
      store,
      transport,
      logger,
      backends,
      close() {
        closing ??= closeAll();
        return closing;
      },
    };
    const rateLimiter = container.get<RateLimiter>(RateLimiterToken, { optional: true });
    if (rateLimiter) service.rateLimiter = rateLimiter;
    if (plan.outboxDir !== undefined) service.outboxDir = plan.outboxDir;
    return service;
  } catch (error) {
    // Whatever was opened before the failure is closed again, so a bad option does not leave
    // a pool or a broker connection keeping the process alive.
    await closeAll();
    throw error;
  }
}

/**
 * STATUS_CALLBACK_URL as an endpoint of the webhook outbox
 * (packages/core/src/application/status-callback.ts): saved with the configured URL and secret, or removed when none is configured, at every
 * start. A store that cannot be reached is tried again every few seconds until it answers.
 */
function keepStatusCallbackInStep(
  store: NotificationStore,
  callbacks: ServiceConfig['callbacks'],
  logger: pino.Logger,
): { first: Promise<void>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async () => {
    try {
      if (callbacks.url) {
        await store.webhooks.save(statusCallbackEndpoint(callbacks.url, callbacks.secret, new Date()));
      } else await store.webhooks.delete(STATUS_CALLBACK_ENDPOINT_ID);
    } catch (error) {
      if (stopped) return;
      logger.warn({ err: error }, 'Could not save the status callback endpoint; trying again in 5 s');
      timer = setTimeout(() => void attempt(), 5_000);
      timer.unref();
    }
  };
  return {
    first: attempt(),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** The configured choices, with the caller's module in place of each port it names. */
function withOverrides(
  choices: BackendChoice[],
  overrides: NonNullable<ComposeOptions['backends']>,
): BackendChoice[] {
  const result = choices.filter((choice) => overrides[choice.port] === undefined);
  for (const [port, override] of Object.entries(overrides) as Array<
    [BackendPort, { name: string; module: ContainerModule }]
  >) {
    const selectedBy = choices.find((choice) => choice.port === port)?.selectedBy ?? 'the backends option';
    result.push({ port, name: override.name, selectedBy, module: override.module });
  }
  return result;
}

/** How long start-up waits for a backend's first answer before it goes on without one. */
const STARTUP_PING_MS = 10_000;

/**
 * Backends that answer start-up's ping with a refusal that only a change of configuration fixes
 * (CONFIG_INVALID: a login refused, a database or virtual host that does not exist), said as they
 * say it. A backend that is merely down is left to the usual retries: a broker outage must not
 * stop the API accepting. The refusal may come as the cause of an UNAVAILABLE (the queue keeps
 * reconnecting, in case an operator fixes it meanwhile).
 */
async function refusedBackends(backends: Array<{ ping(): Promise<void> }>): Promise<Refusal[]> {
  const answers = await Promise.all(
    backends.map(async (backend) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), STARTUP_PING_MS);
      });
      try {
        return await Promise.race([backend.ping().then(() => undefined), late]);
      } catch (error) {
        const cause = NotifyError.is(error) ? error.cause : undefined;
        if (NotifyError.is(error) && error.code === 'CONFIG_INVALID') return error;
        if (NotifyError.is(cause) && cause.code === 'CONFIG_INVALID') return cause;
        return undefined;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return answers
    .filter((error): error is NotifyError => error !== undefined)
    .map((error) => ({ sentence: error.message, details: error.details ?? [] }));
}

/** One reason a process refuses to start, as a sentence of the CONFIG_INVALID message. */
interface Refusal {
  sentence: string;
  details: Array<{ path: string; message: string }>;
}

/** Store and queue must reach other processes, or what this process writes never reaches them. */
function unsharedBackends(
  store: NotificationStore,
  queue: NotificationQueue,
  choices: BackendChoice[],
  { who, why }: { who: string; why: string },
): Refusal | undefined {
  const unshared = [
    store.capabilities.shared ? undefined : choices.find((c) => c.port === 'store'),
    queue.capabilities.shared ? undefined : choices.find((c) => c.port === 'queue'),
  ].filter((choice): choice is BackendChoice => choice !== undefined);
  if (unshared.length === 0) return undefined;
  const missing = unshared.map((choice) => choice.selectedBy);
  return {
    sentence: `${who} needs ${missing.join(' and ')}, ${why}`,
    details: unshared.map((choice) => ({
      path: choice.selectedBy,
      message: `is required: the ${choice.name} ${choice.port} lives inside this process only`,
    })),
  };
}

/**
 * On a shared store a process that sends must deliver: a transport that only keeps mail (.eml
 * files) would end every notification `delivered` with nobody receiving it. It is allowed when
 * asked for by name (EMAIL_TRANSPORT=eml), never by leaving EMAIL_HOST out.
 */
function undeliveredMail(transport: MailTransport, role: ServiceRole): Refusal | undefined {
  if (transport.capabilities?.delivers !== false) return undefined;
  const who = role === 'embedded' ? 'a service' : `a ${role}`;
  return {
    sentence:
      `${who} on a shared store needs EMAIL_HOST, an SMTP server: without one every notification would end ` +
      'delivered with nobody receiving it; set EMAIL_HOST, or EMAIL_TRANSPORT=eml to write .eml files on purpose',
    details: [{ path: 'EMAIL_HOST', message: 'is required on a shared store (or set EMAIL_TRANSPORT=eml)' }],
  };
}
