// The notification queue suite must be able to fail (see contract-fault-runner.ts): it runs against
// broken queues: no priority, delays ignored, a stop that does not wait, no concurrency bound,
// errors swallowed, dead letters newest first, a hasty settle, a false claim to be shared, and an
// untrue lack.
import type {
  ConsumeOptions,
  Consumer,
  DeadLetter,
  MessageHandler,
  PublishOptions,
  QueueMessage,
  SettleResult,
} from '@notify/email-core';
import { ControllableNotificationQueue, notificationQueueContract } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { outcomeOf, runSuite } from './contract-fault-runner.js';

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
  it('passes the in-memory reference, every case', async () => {
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
    // The in-memory queue does support priority, so declaring otherwise is itself caught.
    expect(outcomeOf(results, 'declares the capabilities')).toBe('failed');
  });
});
