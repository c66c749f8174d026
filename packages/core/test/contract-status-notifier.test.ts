import { InMemoryStatusNotifier } from '@notify/email-core';
import { statusNotifierContract } from '@notify/email-core/testing';
import { describe, it } from 'vitest';

describe('InMemoryStatusNotifier', () => {
  statusNotifierContract(it, async () => {
    const notifier = new InMemoryStatusNotifier();
    return {
      subject: notifier,
      received: async () => notifier.events,
      breakReceiver: async () => notifier.setAvailable(false),
      restoreReceiver: async () => notifier.setAvailable(true),
    };
  });
});
