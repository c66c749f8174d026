import { InMemoryNotificationQueue, type QueueMessage, silentLogger } from '@notify/email-core';
import { ControllableNotificationQueue } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { until } from '../../../test-support/wait.js';
import { startWorker } from '../src/worker.js';

function message(n: number): QueueMessage {
  return { requestId: `req-${n}`, taskId: `task-${n}`, priority: 10, correlationId: `corr-${n}` };
}

/** An engine whose processNotification waits until the test releases that request. */
function gatedEngine() {
  const gates = new Map<string, () => void>();
  const started: string[] = [];
  const finished: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const engine = {
    async processNotification(m: QueueMessage) {
      started.push(m.requestId);
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((resolve) => gates.set(m.requestId, resolve));
      running -= 1;
      finished.push(m.requestId);
      return 'delivered' as const;
    },
  };
  return {
    engine,
    started,
    finished,
    get maxRunning() {
      return maxRunning;
    },
    release(requestId: string) {
      gates.get(requestId)?.();
    },
    releaseAll() {
      for (const open of gates.values()) open();
    },
  };
}

const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startWorker', () => {
  it('processes at most `concurrency` messages at once, and all of them in the end', async () => {
    const queue = new InMemoryNotificationQueue();
    const gated = gatedEngine();
    const worker = await startWorker({ engine: gated.engine, queue, concurrency: 3, logger: silentLogger });
    await queue.publish(Array.from({ length: 10 }, (_, i) => message(i)));
    await until(() => gated.started.length === 3, 2000);
    await tick(30);
    expect(gated.started).toHaveLength(3);
    expect(worker.inFlight).toBe(3);
    // Keep releasing whatever is running until all ten are through.
    while (gated.finished.length < 10) {
      gated.releaseAll();
      await tick(5);
    }
    expect(gated.maxRunning).toBe(3);
    await worker.stop();
  });

  it('on stop, takes no new messages and waits for the ones in flight', async () => {
    // The double, for its count of messages still waiting.
    const queue = new ControllableNotificationQueue();
    const gated = gatedEngine();
    const worker = await startWorker({ engine: gated.engine, queue, concurrency: 2, logger: silentLogger });
    await queue.publish([message(1), message(2), message(3), message(4)]);
    await until(() => gated.started.length === 2, 2000);

    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await tick(30);
    expect(stopped).toBe(false);

    gated.release('req-1');
    await tick(30);
    expect(stopped).toBe(false);
    expect(gated.started).toEqual(['req-1', 'req-2']);

    gated.release('req-2');
    await stopping;
    expect(gated.finished).toEqual(['req-1', 'req-2']);
    // The other two were never started: they wait in the queue for the next worker.
    expect(gated.started).toHaveLength(2);
    expect(queue.pendingCount).toBe(2);
  });

  it('gives up waiting after drainTimeoutMs and says so', async () => {
    const queue = new InMemoryNotificationQueue();
    const warnings: string[] = [];
    const logger = {
      ...silentLogger,
      warn: (_: object, msg?: string) => void warnings.push(msg ?? ''),
      child: () => logger,
    };
    const engine = { processNotification: () => new Promise<never>(() => {}) };
    const worker = await startWorker({ engine, queue, concurrency: 1, logger, drainTimeoutMs: 100 });
    await queue.publish([message(1)]);
    await until(() => worker.inFlight === 1, 2000);
    const started = Date.now();
    await worker.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(warnings.join(' ')).toMatch(/redelivered/);
  });

  it('hands a message back to the queue when processing throws, so it is tried again', async () => {
    const queue = new InMemoryNotificationQueue();
    const calls: string[] = [];
    const engine = {
      async processNotification(m: QueueMessage) {
        calls.push(m.requestId);
        if (calls.length === 1) throw new Error('store briefly unreachable');
        return 'delivered' as const;
      },
    };
    const worker = await startWorker({ engine, queue, concurrency: 1, logger: silentLogger });
    await queue.publish([message(7)]);
    await until(() => calls.length === 2, 2000);
    await queue.whenIdle();
    expect(calls).toEqual(['req-7', 'req-7']);
    expect(queue.deadLetters).toHaveLength(0);
    await worker.stop();
  });

  it('rejects a concurrency below 1 with CONFIG_INVALID', async () => {
    const queue = new InMemoryNotificationQueue();
    const engine = gatedEngine().engine;
    await expect(startWorker({ engine, queue, concurrency: 0, logger: silentLogger })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('concurrency'),
    });
  });
});
