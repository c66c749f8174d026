import { notificationQueueContract } from '@notify/email-core/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTestVhost, startBrokerProxy, type TestVhost } from '../../../test-support/rabbitmq.js';
import { createAmqpQueue } from '../src/index.js';
import { uniqueNames, waitUntil } from './helpers.js';

let vhost: TestVhost;
beforeAll(async () => {
  vhost = await createTestVhost('notify-amqp-contract');
});
afterAll(() => vhost?.remove());

describe('AmqpNotificationQueue on RabbitMQ', () => {
  // Each case gets its own names in the file's vhost, behind its own proxy so it can lose the broker.
  notificationQueueContract(
    it,
    async () => {
      const proxy = await startBrokerProxy(vhost.url);
      const queue = createAmqpQueue({
        url: proxy.url,
        ...uniqueNames('contract'),
        reconnect: { initialDelayMs: 50 },
      });
      return {
        subject: queue,
        async makeUnavailable() {
          proxy.cut();
          await waitUntil(() => !queue.connected, 'the queue to notice the lost connection', 5_000);
        },
        async cleanup() {
          await queue.close();
          await proxy.close();
        },
      };
    },
    { lacks: { settle: 'durable: RabbitMQ keeps what it holds when the process stops' } },
  );
});
