// The status notifier suite must be able to fail (see contract-fault-runner.ts): it runs against
// broken notifiers: events lost, a throw while the receiver is down.
import type { StatusEvent } from '@notify/email-core';
import { ControllableStatusNotifier, statusNotifierContract } from '@notify/email-core/testing';
import { describe, expect, it } from 'vitest';
import { outcomeOf, runSuite } from './contract-fault-runner.js';

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

  it('passes the in-memory reference, every case', async () => {
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
