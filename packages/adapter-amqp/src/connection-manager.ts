import { type Logger, NotifyError } from '@notify/email-core';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import { connectRefusal } from './connect-refusal.js';
import type { ResolvedAmqpQueueOptions } from './options.js';
import { assertTopology } from './topology.js';

/** One live connection with its publishing channel. Replaced as a whole after any loss. */
export interface Session {
  readonly id: number;
  readonly model: ChannelModel;
  /** ConfirmChannel: every publish is acknowledged by the broker before it counts. */
  readonly publisher: ConfirmChannel;
  /** The broker's resource alarm blocks publishing; publishes fail fast meanwhile. */
  blocked: boolean;
  lost: boolean;
}

/** Called with each new session; consumers re-subscribe here. A throw counts as losing the session. */
export type SessionListener = (session: Session) => Promise<void>;

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Owns the connection: opens it, declares the topology, notices its loss (connection or channel
 * closed, by the broker, an operator or the network) and reconnects with exponential backoff and
 * jitter until closed. Operations never wait for a reconnect: while there is no session they get
 * QUEUE_UNAVAILABLE at once, and the core's recovery loop republishes later.
 */
export class ConnectionManager {
  private session: Session | null = null;
  private closed = false;
  private attempt = 0;
  private sessionCount = 0;
  private timer: NodeJS.Timeout | null = null;
  private nextAttemptAt = 0;
  private lastError: unknown = null;
  private injectedModelClosed = false;
  private readonly firstAttempt: Promise<void>;
  private readonly log: Logger;

  constructor(
    private readonly options: ResolvedAmqpQueueOptions,
    private readonly onSession: SessionListener,
  ) {
    this.log = options.logger.child({ logger: 'adapter-amqp', connection_name: options.connectionName });
    const injected = options.connection;
    if (injected && typeof injected !== 'function') {
      injected.on('close', () => {
        this.injectedModelClosed = true;
      });
    }
    this.firstAttempt = this.tryConnect();
  }

  get isConnected(): boolean {
    return this.session !== null;
  }

  /**
   * The live session, or QUEUE_UNAVAILABLE without waiting. Only the very first connection
   * attempt is awaited, so that a queue used right after `createAmqpQueue()` works.
   */
  async current(): Promise<Session> {
    if (!this.session && !this.closed) await this.firstAttempt;
    if (this.closed) throw new NotifyError('QUEUE_UNAVAILABLE', 'AMQP queue is closed', { retryable: false });
    const session = this.session;
    if (!session) {
      const retryAfterMs = Math.max(0, this.nextAttemptAt - Date.now());
      throw new NotifyError('QUEUE_UNAVAILABLE', `RabbitMQ unavailable: ${describeError(this.lastError)}`, {
        cause: this.lastError,
        retryAfterMs,
      });
    }
    if (session.blocked) {
      throw new NotifyError('QUEUE_UNAVAILABLE', 'RabbitMQ is blocking publishers (resource alarm)', {
        retryAfterMs: 1_000,
      });
    }
    return session;
  }

  /** Something on this session broke (a consumer channel closed, a listener failed): start over. */
  reportLost(session: Session, error: unknown): void {
    if (session.lost) return;
    session.lost = true;
    this.lastError = error;
    if (this.session === session) this.session = null;
    if (this.closed) return;
    this.log.warn({ err: describeError(error), session: session.id }, 'AMQP session lost; reconnecting');
    // A channel-level failure leaves the connection open: close it (if ours) so nothing of the
    // old session lingers, e.g. a consumer still holding unacknowledged messages.
    if (this.ownsModel()) void session.model.close().catch(() => {});
    else void session.publisher.close().catch(() => {});
    this.scheduleReconnect();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const session = this.session;
    this.session = null;
    if (!session) return;
    session.lost = true;
    if (this.ownsModel()) {
      await session.model.close().catch(() => {});
    } else {
      await session.publisher.close().catch(() => {});
    }
  }

  private ownsModel(): boolean {
    return typeof this.options.connection !== 'object';
  }

  private async openModel(): Promise<ChannelModel> {
    const { connection, url, connectionName, connectTimeoutMs, heartbeatSeconds } = this.options;
    if (typeof connection === 'function') return connection();
    if (connection && !this.injectedModelClosed) return connection;
    if (!url) throw new Error('the injected connection is closed and no url was given to reconnect');
    const heartbeat = /[?&]heartbeat=/.test(url)
      ? ''
      : `${url.includes('?') ? '&' : '?'}heartbeat=${heartbeatSeconds}`;
    return connect(`${url}${heartbeat}`, {
      clientProperties: { connection_name: connectionName },
      timeout: connectTimeoutMs,
    });
  }

  private async tryConnect(): Promise<void> {
    if (this.closed) return;
    let model: ChannelModel | null = null;
    try {
      model = await this.openModel();
      const session = await this.openSession(model);
      if (this.closed) {
        if (this.ownsModel()) await model.close().catch(() => {});
        return;
      }
      this.session = session;
      this.attempt = 0;
      this.log.info({ session: session.id }, 'AMQP connected');
      await this.onSession(session).catch((error: unknown) => this.reportLost(session, error));
    } catch (error) {
      // A refusal (login, vhost) is said as what to fix; it is still retried, since an operator
      // may fix it while we wait, but start-up reports it (the service refuses to claim readiness).
      const refusal = connectRefusal(error, this.options.url);
      this.lastError = refusal ?? error;
      if (model && this.ownsModel()) await model.close().catch(() => {});
      if (this.closed) return;
      this.log.warn({ err: describeError(this.lastError), attempt: this.attempt }, 'AMQP connect failed');
      this.scheduleReconnect();
    }
  }

  private async openSession(model: ChannelModel): Promise<Session> {
    const publisher = await model.createConfirmChannel();
    const session: Session = { id: ++this.sessionCount, model, publisher, blocked: false, lost: false };
    // Without 'error' listeners an emitted error would crash the process.
    model.on('error', (error: Error) => this.log.warn({ err: error.message }, 'AMQP connection error'));
    model.on('close', (error?: Error) => this.reportLost(session, error ?? new Error('connection closed')));
    model.on('blocked', (reason: string) => {
      session.blocked = true;
      this.log.warn({ reason }, 'RabbitMQ blocked publishing');
    });
    model.on('unblocked', () => {
      session.blocked = false;
    });
    publisher.on('error', (error: Error) =>
      this.log.warn({ err: error.message }, 'AMQP publish channel error'),
    );
    publisher.on('close', () => this.reportLost(session, new Error('publish channel closed')));
    if (this.options.assertTopology) await assertTopology(publisher, this.options);
    return session;
  }

  private scheduleReconnect(): void {
    if (this.closed || this.timer) return;
    const { reconnectInitialDelayMs: initial, reconnectMaxDelayMs: max } = this.options;
    const base = Math.min(max, initial * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    // Equal jitter: at least half the backoff, so a fleet of workers does not reconnect in step.
    const delay = Math.round(base / 2 + (Math.random() * base) / 2);
    this.nextAttemptAt = Date.now() + delay;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tryConnect();
    }, delay);
  }
}
