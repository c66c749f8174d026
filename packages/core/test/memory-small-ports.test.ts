import {
  InMemoryRateLimiter,
  InMemoryStatusNotifier,
  InMemoryTemplateSource,
  NotifyError,
} from '@notify/email-core';
import {
  ControllableStatusNotifier,
  ControllableTemplateSource,
  InspectableRateLimiter,
  ManualClock,
  sampleStatusEvent,
} from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';

describe('ManualClock', () => {
  it('moves only when told, forward or to a set instant', () => {
    const clock = new ManualClock('2030-06-01T12:00:00Z');
    expect(clock.now().toISOString()).toBe('2030-06-01T12:00:00.000Z');
    clock.advance(1500);
    expect(clock.now().toISOString()).toBe('2030-06-01T12:00:01.500Z');
    clock.set(new Date('2029-01-01T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2029-01-01T00:00:00.000Z');
    expect(new ManualClock().now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  it('refuses to go backwards or to an invalid date', () => {
    const clock = new ManualClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set('not a date')).toThrow(RangeError);
    expect(() => new ManualClock('nope')).toThrow(RangeError);
  });

  it('hands out copies of its instant', () => {
    const clock = new ManualClock();
    clock.now().setFullYear(1999);
    expect(clock.now().getUTCFullYear()).toBe(2030);
  });
});

describe('InMemoryRateLimiter', () => {
  it('computes retryAfterMs and resetMs from the refill rate', async () => {
    const clock = new ManualClock();
    const limiter = new InMemoryRateLimiter({ ratePerSecond: 4, burst: 2, clock });
    await limiter.consume('k');
    await limiter.consume('k');
    const refused = await limiter.consume('k');
    expect(refused).toEqual({ allowed: false, limit: 2, remaining: 0, resetMs: 500, retryAfterMs: 250 });
    clock.advance(100);
    expect((await limiter.consume('k')).retryAfterMs).toBe(150);
  });

  it('forgets buckets that have refilled once it tracks many keys, without changing any decision', async () => {
    const clock = new ManualClock();
    const limiter = new InspectableRateLimiter({ ratePerSecond: 1, burst: 1, clock });
    for (let i = 0; i < 10_000; i++) await limiter.consume(`key-${i}`);
    expect(limiter.trackedKeys).toBe(10_000);
    clock.advance(1000);
    await limiter.consume('busy');
    expect((await limiter.consume('busy')).allowed).toBe(false);
    await limiter.consume('one-more');
    expect(limiter.trackedKeys).toBeLessThan(10);
    expect((await limiter.consume('busy')).allowed).toBe(false);
    expect((await limiter.consume('key-1')).allowed).toBe(true);
  });

  it('validates its options, naming the key', () => {
    expect(() => new InMemoryRateLimiter({ ratePerSecond: 0 })).toThrow(/ratePerSecond/);
    expect(() => new InMemoryRateLimiter({ burst: 1.5 })).toThrow(/burst/);
    try {
      new InMemoryRateLimiter({ burst: 0 });
    } catch (error) {
      expect(NotifyError.is(error) && error.code).toBe('CONFIG_INVALID');
    }
  });

  it('refuses a negative cost with VALIDATION_FAILED at cost', async () => {
    const limiter = new InMemoryRateLimiter();
    await expect(limiter.consume('k', -1)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'cost', message: expect.any(String) }],
    });
  });
});

describe('InMemoryTemplateSource', () => {
  it('can gain, replace and lose templates', async () => {
    const source = new InMemoryTemplateSource();
    await expect(source.get('a')).rejects.toMatchObject({ code: 'TEMPLATE_NOT_FOUND', retryable: false });
    source.set({ code: 'a', subject: 'one' });
    source.set({ code: 'a', subject: 'two' });
    expect((await source.get('a')).subject).toBe('two');
    source.delete('a');
    await expect(source.get('a')).rejects.toMatchObject({ code: 'TEMPLATE_NOT_FOUND' });
  });
});

describe('ControllableTemplateSource', () => {
  it('goes down with a retryable TEMPLATE_SOURCE_UNAVAILABLE and comes back with its templates', async () => {
    const source = new ControllableTemplateSource([{ code: 'a', subject: 'one' }]);
    source.setAvailable(false);
    await expect(source.get('a')).rejects.toMatchObject({
      code: 'TEMPLATE_SOURCE_UNAVAILABLE',
      retryable: true,
    });
    source.setAvailable(true);
    expect((await source.get('a')).subject).toBe('one');
  });
});

describe('InMemoryStatusNotifier', () => {
  it('keeps every event in events, in order, as copies', async () => {
    const notifier = new InMemoryStatusNotifier();
    const [a, b] = [sampleStatusEvent(), sampleStatusEvent({ status: 'failed' })];
    await notifier.notify(a);
    await notifier.notify(b);
    a.metadata.campaign = 'changed after notify';
    expect(notifier.events).toEqual([{ ...a, metadata: { ...a.metadata, campaign: 'spring' } }, b]);
  });
});

describe('ControllableStatusNotifier', () => {
  it('holds events while the receiver is down and delivers them in order when it returns', async () => {
    const notifier = new ControllableStatusNotifier();
    const [a, b, c] = [sampleStatusEvent(), sampleStatusEvent({ status: 'failed' }), sampleStatusEvent()];
    await notifier.notify(a);
    notifier.setAvailable(false);
    await notifier.notify(b);
    await notifier.notify(c);
    expect(notifier.events).toEqual([a]);
    expect(notifier.pending).toEqual([b, c]);
    notifier.setAvailable(true);
    expect(notifier.events).toEqual([a, b, c]);
    expect(notifier.pending).toEqual([]);
  });
});
