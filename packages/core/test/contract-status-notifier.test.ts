import { InMemoryStatusNotifier } from '@notify/email-core';
import { ControllableStatusNotifier, statusNotifierContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';

describe('InMemoryStatusNotifier', () => {
  statusNotifierContract(
    it,
    async () => {
      const notifier = new InMemoryStatusNotifier();
      return { subject: notifier, received: async () => notifier.events };
    },
    { lacks: { receiverOutage: 'its receiver is never down; ControllableStatusNotifier (below) can be' } },
  );
});

describe('ControllableStatusNotifier', () => {
  statusNotifierContract(it, async () => {
    const notifier = new ControllableStatusNotifier();
    return {
      subject: notifier,
      received: async () => notifier.events,
      breakReceiver: async () => notifier.setAvailable(false),
      restoreReceiver: async () => notifier.setAvailable(true),
    };
  });
});
