// Each contract suite must be able to fail: here every suite runs against implementations broken
// on purpose, through a recording `it`, and the case guarding that behaviour must report a failure.
import {
  type ClaimRequest,
  type ConsumeOptions,
  type Consumer,
  type DeadLetter,
  InMemoryRateLimiter,
  type ListFilter,
  type ListPage,
  type ListResult,
  type MailMessage,
  type MessageHandler,
  type NewNotification,
  type Notification,
  type NotificationPatch,
  NotifyError,
  type PublishOptions,
  type QueueMessage,
  type RateLimitDecision,
  type SendResult,
  type SettleResult,
  type StatusEvent,
  type StrandedQuery,
  type Template,
  type UpdateGuard,
} from '@notify/email-core';
import {
  type CaseResult,
  type ContractIt,
  ControllableMailTransport,
  ControllableNotificationQueue,
  ControllableNotificationStore,
  ControllableStatusNotifier,
  ControllableTemplateSource,
  createCaseRecorder,
  ManualClock,
  mailTransportContract,
  notificationQueueContract,
  notificationStoreContract,
  rateLimiterContract,
  statusNotifierContract,
  templateSourceContract,
} from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';

async function runSuite(register: (it: ContractIt) => void): Promise<CaseResult[]> {
  const recorder = createCaseRecorder();
  register(recorder.it);
  return recorder.run();
}

function outcomeOf(results: CaseResult[], fragment: string): CaseResult['outcome'] {
  const matching = results.filter((r) => r.name.includes(fragment));
  expect(matching, `exactly one case named like "${fragment}"`).toHaveLength(1);
  return matching[0]!.outcome;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

// ---------------------------------------------------------------- store
function storeSuite(
  make: () => ControllableNotificationStore,
  makeUnavailable?: (s: ControllableNotificationStore) => void,
) {
  return runSuite((it) =>
    notificationStoreContract(it, async () => {
      const store = make();
      return {
        subject: store,
        makeUnavailable: async () => (makeUnavailable ?? ((s) => s.setAvailable(false)))(store),
      };
    }),
  );
}

/** Read, then write: the classic race that lets two workers claim one record. */
class ReadThenWriteClaimStore extends ControllableNotificationStore {
  override async claim(request: ClaimRequest): Promise<Notification | null> {
    const current = await this.getByRequestId(request.requestId);
    if (!current || current.status === 'delivered' || current.status === 'failed') return null;
    if (current.status === 'processing' && current.leaseUntil && current.leaseUntil > request.now)
      return null;
    await tick();
    return this.update(
      request.requestId,
      { status: ['queued', 'retrying', 'processing'] },
      {
        status: 'processing',
        leaseOwner: request.owner,
        leaseUntil: new Date(request.now.getTime() + request.leaseMs),
        updatedAt: request.now,
      },
    );
  }
}

/** Checks for an existing record, yields, then reports "created" from the stale check. */
class CheckThenInsertStore extends ControllableNotificationStore {
  override async insert(notification: NewNotification) {
    const existing = await this.getByRequestId(notification.requestId);
    await tick();
    const result = await super.insert(notification);
    return existing ? result : { created: true as const, notification };
  }
}

class OldestFirstListStore extends ControllableNotificationStore {
  override async list(filter: ListFilter, page: ListPage): Promise<ListResult> {
    const all = await super.list(filter, { limit: 100, offset: 0 });
    const items = all.items.reverse().slice(page.offset, page.offset + page.limit);
    return { items, total: all.total };
  }
}

class LeaseBlindUpdateStore extends ControllableNotificationStore {
  override update(requestId: string, guard: UpdateGuard, patch: NotificationPatch) {
    return super.update(requestId, { status: guard.status }, patch);
  }
}

/** Keeps only the newest history entry, as a store that overwrites instead of appending would. */
class HistoryReplacingStore extends ControllableNotificationStore {
  override async getByRequestId(requestId: string) {
    const found = await super.getByRequestId(requestId);
    if (found) found.history = found.history.slice(-1);
    return found;
  }
}

class LeaseBlindStrandedStore extends ControllableNotificationStore {
  override async findStranded(query: StrandedQuery) {
    return (await super.findStranded(query)).filter((n) => n.status !== 'processing');
  }
}

/** Claims other processes share its records, though they live in this one's memory. */
class FalselySharedStore extends ControllableNotificationStore {
  override readonly capabilities = { durable: false, shared: true };
}

describe('notificationStoreContract catches a broken store', () => {
  it('passes the reference fake, every case', async () => {
    const results = await storeSuite(() => new ControllableNotificationStore());
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(18);
  });

  it('fails a claim that lets two owners win', async () => {
    const results = await storeSuite(() => new ReadThenWriteClaimStore());
    expect(outcomeOf(results, 'concurrent claims by two owners')).toBe('failed');
  });

  it('fails an insert-if-absent that is not atomic', async () => {
    const results = await storeSuite(() => new CheckThenInsertStore());
    expect(outcomeOf(results, '20 concurrent inserts')).toBe('failed');
    expect(outcomeOf(results, 'insert stores the record')).toBe('passed');
  });

  it('fails a list that is oldest first', async () => {
    const results = await storeSuite(() => new OldestFirstListStore());
    expect(outcomeOf(results, 'list is newest first')).toBe('failed');
  });

  it('fails an update that ignores the lease owner', async () => {
    const results = await storeSuite(() => new LeaseBlindUpdateStore());
    expect(outcomeOf(results, 'update applies the patch only while the guard holds')).toBe('failed');
    expect(outcomeOf(results, 'an expired lease can be reclaimed')).toBe('failed');
  });

  it('fails a history that is replaced instead of appended', async () => {
    const results = await storeSuite(() => new HistoryReplacingStore());
    expect(outcomeOf(results, 'appendHistory appends')).toBe('failed');
  });

  it('fails a findStranded that misses expired leases', async () => {
    const results = await storeSuite(() => new LeaseBlindStrandedStore());
    expect(outcomeOf(results, 'findStranded')).toBe('failed');
  });

  it('fails a store that declares itself shared but forgets on exit', async () => {
    const results = await storeSuite(() => new FalselySharedStore());
    expect(outcomeOf(results, 'declares whether it is durable and shared')).toBe('failed');
  });

  it('fails a store whose outage goes unnoticed', async () => {
    const results = await storeSuite(
      () => new ControllableNotificationStore(),
      () => {},
    );
    expect(outcomeOf(results, 'unreachable store')).toBe('failed');
  });
});

// ---------------------------------------------------------------- queue
function queueSuite(make: () => ControllableNotificationQueue, options = {}) {
  return runSuite((it) =>
    notificationQueueContract(
      it,
      async () => {
        const queue = make();
        return {
          subject: queue,
          makeUnavailable: async () => queue.setAvailable(false),
          cleanup: () => queue.close(),
        };
      },
      { quietPeriodMs: 100, arrivalTimeoutMs: 1000, ...options },
    ),
  );
}

/** Publishes everything at one priority, restoring the real one on delivery: plain FIFO. */
class FifoQueue extends ControllableNotificationQueue {
  private readonly priorities = new Map<string, number>();
  override publish(messages: QueueMessage[], options?: PublishOptions) {
    for (const m of messages) this.priorities.set(m.taskId, m.priority);
    return super.publish(
      messages.map((m) => ({ ...m, priority: 1 })),
      options,
    );
  }
  override consume(handler: MessageHandler, options: ConsumeOptions) {
    return super.consume(
      (m) => handler({ ...m, priority: this.priorities.get(m.taskId) ?? m.priority }),
      options,
    );
  }
}

class DelayIgnoringQueue extends ControllableNotificationQueue {
  override publish(messages: QueueMessage[]) {
    return super.publish(messages);
  }
}

class ImpatientStopQueue extends ControllableNotificationQueue {
  override async consume(handler: MessageHandler, options: ConsumeOptions): Promise<Consumer> {
    const consumer = await super.consume(handler, options);
    return {
      stop: async () => {
        void consumer.stop();
      },
    };
  }
}

class UnboundedQueue extends ControllableNotificationQueue {
  override consume(handler: MessageHandler) {
    return super.consume(handler, { concurrency: 1000 });
  }
}

class ErrorSwallowingQueue extends ControllableNotificationQueue {
  override consume(handler: MessageHandler, options: ConsumeOptions) {
    return super.consume((m) => handler(m).catch(() => undefined), options);
  }
}

class NewestFirstDeadLetterQueue extends ControllableNotificationQueue {
  override async peekDeadLetters(limit: number): Promise<DeadLetter[]> {
    return (await super.peekDeadLetters(1000)).reverse().slice(0, limit);
  }
}

/** Says it is settled while a message still waits for its handler. */
class HastySettleQueue extends ControllableNotificationQueue {
  override async settle(): Promise<SettleResult> {
    return { waiting: 0, inFlight: 0 };
  }
}

/** Claims other processes share it, though it lives in this one's memory. */
class FalselySharedQueue extends ControllableNotificationQueue {
  override readonly capabilities = { priority: true, delay: true, durable: false, shared: true };
}

describe('notificationQueueContract catches a broken queue', () => {
  it('passes the reference fake, every case', async () => {
    const results = await queueSuite(() => new ControllableNotificationQueue());
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
  });

  it('fails a queue that ignores priority', async () => {
    const results = await queueSuite(() => new FifoQueue());
    expect(outcomeOf(results, 'high-priority message overtakes')).toBe('failed');
    expect(outcomeOf(results, 'reaches the consumer intact')).toBe('passed');
  });

  it('fails a queue that delivers delayed messages early', async () => {
    const results = await queueSuite(() => new DelayIgnoringQueue());
    expect(outcomeOf(results, 'delayMs is honoured')).toBe('failed');
  });

  it('fails a consumer whose stop does not wait for in-flight handlers', async () => {
    const results = await queueSuite(() => new ImpatientStopQueue());
    expect(outcomeOf(results, 'consumer.stop waits')).toBe('failed');
  });

  it('fails a consumer that exceeds its concurrency', async () => {
    const results = await queueSuite(() => new UnboundedQueue());
    expect(outcomeOf(results, 'more handlers at once than its concurrency')).toBe('failed');
  });

  it('fails a queue that acknowledges a message whose handler threw', async () => {
    const results = await queueSuite(() => new ErrorSwallowingQueue());
    expect(outcomeOf(results, 'handler throws is delivered again')).toBe('failed');
  });

  it('fails a queue whose settle resolves before its messages were handled', async () => {
    const results = await queueSuite(() => new HastySettleQueue());
    expect(outcomeOf(results, 'settle resolves once every published message')).toBe('failed');
  });

  it('fails a queue that declares itself shared but forgets on exit', async () => {
    const results = await queueSuite(() => new FalselySharedQueue());
    expect(outcomeOf(results, 'declares the capabilities')).toBe('failed');
  });

  it('fails dead letters read back newest first', async () => {
    const results = await queueSuite(() => new NewestFirstDeadLetterQueue());
    expect(outcomeOf(results, 'dead letters round-trip')).toBe('failed');
  });

  it('skips a declared lack with its reason, and fails when the declaration is untrue', async () => {
    const results = await queueSuite(() => new ControllableNotificationQueue(), {
      lacks: { priority: 'single FIFO lane in this test' },
    });
    const skipped = results.filter((r) => r.outcome === 'skipped');
    expect(skipped.map((r) => r.name)).toEqual([expect.stringContaining('single FIFO lane in this test')]);
    expect(skipped[0]!.name).toContain('high-priority message overtakes');
    // The fake does support priority, so declaring otherwise is itself caught.
    expect(outcomeOf(results, 'declares the capabilities')).toBe('failed');
  });
});

// ---------------------------------------------------------------- mail transport
function transportSuite(make: () => ControllableMailTransport) {
  return runSuite((it) =>
    mailTransportContract(it, async () => {
      const transport = make();
      return {
        subject: transport,
        received: async () =>
          transport.sent.map((m) => ({
            ...m,
            to: [m.to],
            headers: { ...m.headers, 'Message-ID': m.messageId },
          })),
        rejectNextPermanently: async () => {
          transport.failNext(new NotifyError('SMTP_PERMANENT', '550 no such user', { responseCode: 550 }));
        },
        failNextTemporarily: async () => {
          transport.failNext(new NotifyError('SMTP_TRANSIENT', '451 later', { responseCode: 451 }));
        },
      };
    }),
  );
}

class HeaderDroppingTransport extends ControllableMailTransport {
  override send(message: MailMessage): Promise<SendResult> {
    return super.send({ ...message, headers: {} });
  }
}

/** Treats every failure as worth retrying: a 550 would be retried forever. */
class EverythingRetryableTransport extends ControllableMailTransport {
  override async send(message: MailMessage): Promise<SendResult> {
    try {
      return await super.send(message);
    } catch (error) {
      throw new NotifyError('SMTP_TRANSIENT', String(error), { cause: error });
    }
  }
}

describe('mailTransportContract catches a broken transport', () => {
  it('passes the reference fake, every case', async () => {
    const results = await transportSuite(() => new ControllableMailTransport());
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
  });

  it('fails a transport that drops headers', async () => {
    const results = await transportSuite(() => new HeaderDroppingTransport());
    expect(outcomeOf(results, 'headers intact')).toBe('failed');
  });

  it('fails a transport that makes a permanent rejection retryable', async () => {
    const results = await transportSuite(() => new EverythingRetryableTransport());
    expect(outcomeOf(results, 'permanently rejected')).toBe('failed');
    expect(outcomeOf(results, 'temporary failure')).toBe('passed');
  });
});

// ---------------------------------------------------------------- template source
class BareErrorTemplateSource extends ControllableTemplateSource {
  override async get(code: string): Promise<Template> {
    try {
      return await super.get(code);
    } catch {
      throw new Error(`no template ${code}`);
    }
  }
}

class SharedObjectTemplateSource extends ControllableTemplateSource {
  private readonly handedOut = new Map<string, Template>();
  override async get(code: string): Promise<Template> {
    const cached = this.handedOut.get(code) ?? (await super.get(code));
    this.handedOut.set(code, cached);
    return cached;
  }
}

describe('templateSourceContract catches a broken source', () => {
  const suite = (make: (t: Template[]) => ControllableTemplateSource) =>
    runSuite((it) =>
      templateSourceContract(it, async (templates) => {
        const source = make(templates);
        return { subject: source, makeUnavailable: async () => source.setAvailable(false) };
      }),
    );

  it('passes the reference fake, every case', async () => {
    const results = await suite((t) => new ControllableTemplateSource(t));
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
  });

  it('fails a source that throws a bare Error for an unknown code', async () => {
    const results = await suite((t) => new BareErrorTemplateSource(t));
    expect(outcomeOf(results, 'unknown code')).toBe('failed');
    expect(outcomeOf(results, 'cannot answer')).toBe('failed');
  });

  it('fails a source that hands out its own objects', async () => {
    const results = await suite((t) => new SharedObjectTemplateSource(t));
    expect(outcomeOf(results, 'changing a returned template')).toBe('failed');
  });
});

// ---------------------------------------------------------------- status notifier
class DroppingNotifier extends ControllableStatusNotifier {
  override async notify(): Promise<void> {}
}

class ThrowingWhileDownNotifier extends ControllableStatusNotifier {
  private down = false;
  override setAvailable(available: boolean): void {
    this.down = !available;
    super.setAvailable(available);
  }
  override async notify(event: StatusEvent): Promise<void> {
    if (this.down) throw new Error('callback receiver answered 503');
    return super.notify(event);
  }
}

describe('statusNotifierContract catches a broken notifier', () => {
  const suite = (make: () => ControllableStatusNotifier) =>
    runSuite((it) =>
      statusNotifierContract(
        it,
        async () => {
          const notifier = make();
          return {
            subject: notifier,
            received: async () => notifier.events,
            breakReceiver: async () => notifier.setAvailable(false),
            restoreReceiver: async () => notifier.setAvailable(true),
          };
        },
        { arrivalTimeoutMs: 200 },
      ),
    );

  it('passes the reference fake, every case', async () => {
    const results = await suite(() => new ControllableStatusNotifier());
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
  });

  it('fails a notifier that loses events', async () => {
    const results = await suite(() => new DroppingNotifier());
    expect(outcomeOf(results, 'delivered event reaches the receiver')).toBe('failed');
  });

  it('fails a notifier that throws while the receiver is down', async () => {
    const results = await suite(() => new ThrowingWhileDownNotifier());
    expect(outcomeOf(results, 'never throws while the receiver fails')).toBe('failed');
    expect(outcomeOf(results, 'delivered event reaches the receiver')).toBe('passed');
  });
});

// ---------------------------------------------------------------- rate limiter
class NeverRefusingLimiter extends InMemoryRateLimiter {
  override async consume(key: string, cost?: number): Promise<RateLimitDecision> {
    const decision = await super.consume(key, cost);
    return { ...decision, allowed: true, retryAfterMs: 0 };
  }
}

class OneBucketLimiter extends InMemoryRateLimiter {
  override consume(_key: string, cost?: number) {
    return super.consume('everyone', cost);
  }
}

/** Spends tokens even on a refused request, so a client that backs off is starved. */
class RefusalSpendsLimiter extends InMemoryRateLimiter {
  override async consume(key: string, cost = 1): Promise<RateLimitDecision> {
    const decision = await super.consume(key, cost);
    if (!decision.allowed) await super.consume(key, 0.999);
    return decision;
  }
}

describe('rateLimiterContract catches a broken limiter', () => {
  const suite = (
    make: (config: { ratePerSecond: number; burst: number; clock: ManualClock }) => InMemoryRateLimiter,
    refills = true,
  ) =>
    runSuite((it) =>
      rateLimiterContract(it, async (config) => {
        const clock = new ManualClock();
        return {
          subject: make({ ...config, clock }),
          advance: async (ms) => {
            if (refills) clock.advance(ms);
          },
        };
      }),
    );

  it('passes the reference fake, every case', async () => {
    const results = await suite((o) => new InMemoryRateLimiter(o));
    expect(results.filter((r) => r.outcome !== 'passed')).toEqual([]);
  });

  it('fails a limiter that never refuses', async () => {
    const results = await suite((o) => new NeverRefusingLimiter(o));
    expect(outcomeOf(results, 'a burst is allowed, then refused')).toBe('failed');
  });

  it('fails a limiter that never refills', async () => {
    const results = await suite((o) => new InMemoryRateLimiter(o), false);
    expect(outcomeOf(results, 'tokens refill over time')).toBe('failed');
  });

  it('fails a limiter that shares one bucket between keys', async () => {
    const results = await suite((o) => new OneBucketLimiter(o));
    expect(outcomeOf(results, 'keys are independent')).toBe('failed');
  });

  it('fails a limiter that charges refused requests', async () => {
    const results = await suite((o) => new RefusalSpendsLimiter(o));
    expect(outcomeOf(results, 'a refused request takes none')).toBe('failed');
  });
});
