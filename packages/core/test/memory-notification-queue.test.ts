import { InMemoryNotificationQueue, NotifyError, type QueueMessage } from '@notify/email-core';
import { ControllableNotificationQueue, sampleQueueMessage } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function collector() {
  const received: QueueMessage[] = [];
  return { received, handler: async (m: QueueMessage) => void received.push(m) };
}

describe('InMemoryNotificationQueue', () => {
  it('waits redeliveryDelayMs before offering a failed message again', async () => {
    const queue = new InMemoryNotificationQueue({ redeliveryDelayMs: 150 });
    const times: number[] = [];
    await queue.consume(
      async () => {
        times.push(Date.now());
        if (times.length === 1) throw new Error('once');
      },
      { concurrency: 1 },
    );
    await queue.publish([sampleQueueMessage()]);
    await queue.whenIdle();
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(140);
    await queue.close();
  });

  it('refuses a concurrency below 1 with CONFIG_INVALID naming the field', async () => {
    const queue = new InMemoryNotificationQueue();
    const error = await queue.consume(async () => {}, { concurrency: 0 }).catch((e: unknown) => e);
    expect(NotifyError.is(error) && error.code).toBe('CONFIG_INVALID');
    expect((error as NotifyError).details).toEqual([{ path: 'concurrency', message: expect.any(String) }]);
    expect(() => new InMemoryNotificationQueue({ redeliveryDelayMs: -1 })).toThrow(/redeliveryDelayMs/);
  });

  it('hands each handler its own copy of the message', async () => {
    const queue = new InMemoryNotificationQueue({ redeliveryDelayMs: 0 });
    const message = sampleQueueMessage();
    const seen: QueueMessage[] = [];
    await queue.consume(
      async (m) => {
        seen.push({ ...m });
        m.priority = 99;
        if (seen.length === 1) throw new Error('again');
      },
      { concurrency: 1 },
    );
    await queue.publish([message]);
    message.requestId = 'changed by the publisher';
    await queue.whenIdle();
    expect(seen.map((m) => [m.requestId, m.priority])).toEqual([
      [seen[0]!.requestId, 10],
      [seen[0]!.requestId, 10],
    ]);
    expect(seen[0]!.requestId).not.toBe('changed by the publisher');
    await queue.close();
  });

  it('keeps dead letters in deadLetters as copies', async () => {
    const queue = new InMemoryNotificationQueue();
    const letter = {
      requestId: 'r',
      taskId: 't',
      correlationId: 'c',
      errorCode: 'SMTP_PERMANENT',
      error: '550',
      attempts: 1,
      firstAttemptAt: null,
      failedAt: new Date('2030-01-01T00:00:00Z'),
    };
    await queue.deadLetter(letter);
    letter.error = 'changed';
    expect(queue.deadLetters).toEqual([{ ...letter, error: '550' }]);
  });
});

// Behaviour of the queue seen through the double's counts and log, and the double's own controls.
describe('ControllableNotificationQueue', () => {
  it('keeps a record of every publish with its delay', async () => {
    const queue = new ControllableNotificationQueue();
    const [a, b] = [sampleQueueMessage(), sampleQueueMessage()];
    await queue.publish([a]);
    await queue.publish([b], { delayMs: 60_000 });
    expect(queue.published.map((p) => [p.message, p.delayMs])).toEqual([
      [a, 0],
      [b, 60_000],
    ]);
    expect([queue.pendingCount, queue.delayedCount]).toEqual([1, 1]);
    await queue.close();
  });

  it('keeps only the newest publishedLimit entries in published', async () => {
    const queue = new ControllableNotificationQueue({ publishedLimit: 3 });
    const messages = Array.from({ length: 5 }, () => sampleQueueMessage());
    await queue.publish(messages.slice(0, 2));
    await queue.publish(messages.slice(2));
    expect(queue.published.map((p) => p.message)).toEqual(messages.slice(2));
    expect(queue.pendingCount).toBe(5);
    expect(() => new ControllableNotificationQueue({ publishedLimit: -1 })).toThrow(/publishedLimit/);
    await queue.close();
  });

  it('releaseDelayed makes a long delay due now, in priority order', async () => {
    const queue = new ControllableNotificationQueue();
    const low = sampleQueueMessage({ priority: 1 });
    const high = sampleQueueMessage({ priority: 50 });
    await queue.publish([low], { delayMs: 60_000 });
    await queue.publish([high], { delayMs: 120_000 });
    queue.releaseDelayed();
    const { received, handler } = collector();
    await queue.consume(handler, { concurrency: 1 });
    await queue.whenIdle();
    expect(received.map((m) => m.requestId)).toEqual([high.requestId, low.requestId]);
    await queue.close();
  });

  it('an outage rejects publish and consume, pauses delivery, and loses nothing', async () => {
    const queue = new ControllableNotificationQueue();
    const [first, second] = [sampleQueueMessage(), sampleQueueMessage()];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const received: string[] = [];
    await queue.consume(
      async (m) => {
        received.push(m.requestId);
        if (received.length === 1) await gate;
      },
      { concurrency: 1 },
    );
    await queue.publish([first, second]);
    await sleep(5);
    queue.setAvailable(false);
    await expect(queue.publish([sampleQueueMessage()])).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    await expect(queue.consume(async () => {}, { concurrency: 1 })).rejects.toMatchObject({
      code: 'QUEUE_UNAVAILABLE',
    });
    await expect(queue.ping()).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE', retryable: true });
    release();
    await sleep(20);
    expect(received).toEqual([first.requestId]);
    expect(queue.pendingCount).toBe(1);
    expect(
      queue.published.map((p) => p.message),
      'a refused publish is not logged',
    ).toEqual([first, second]);
    queue.setAvailable(true);
    await queue.whenIdle();
    expect(received).toEqual([first.requestId, second.requestId]);
    await queue.close();
  });

  it('shares work between consumers, each within its own bound', async () => {
    const queue = new ControllableNotificationQueue();
    const seen = { a: 0, b: 0 };
    const slow = (name: 'a' | 'b') => async () => {
      seen[name]++;
      await sleep(10);
    };
    await queue.consume(slow('a'), { concurrency: 2 });
    await queue.consume(slow('b'), { concurrency: 2 });
    await queue.publish(Array.from({ length: 8 }, () => sampleQueueMessage()));
    expect(queue.inFlightCount).toBe(4);
    await queue.whenIdle();
    expect(seen.a + seen.b).toBe(8);
    expect(seen.a).toBeGreaterThan(0);
    expect(seen.b).toBeGreaterThan(0);
    await queue.close();
  });

  it('close waits for in-flight handlers, drops delayed messages and refuses new publishes', async () => {
    const queue = new ControllableNotificationQueue();
    let finished = false;
    await queue.consume(
      async () => {
        await sleep(50);
        finished = true;
      },
      { concurrency: 1 },
    );
    await queue.publish([sampleQueueMessage()]);
    await queue.publish([sampleQueueMessage()], { delayMs: 10_000 });
    await sleep(5);
    await queue.close();
    expect(finished).toBe(true);
    expect(queue.delayedCount).toBe(0);
    await expect(queue.publish([sampleQueueMessage()])).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
  });
});
