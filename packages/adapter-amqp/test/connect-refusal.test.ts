import { NotifyError } from '@notify/email-core';
import { afterEach, describe, expect, it } from 'vitest';
import { connectRefusal } from '../src/connect-refusal.js';
import { createAmqpQueue } from '../src/index.js';
import { uniqueNames } from './helpers.js';

// What an operator sees when the broker refuses the connection for good: the login or the
// virtual host, said as what to fix, as the cause of the queue's UNAVAILABLE (it keeps retrying,
// since the operator may fix it meanwhile; the stock service refuses to start on it).
const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((queue) => queue.close()));
});

async function pingFailure(url: string): Promise<NotifyError> {
  const queue = createAmqpQueue({ url, ...uniqueNames('refusal'), reconnect: { initialDelayMs: 1000 } });
  opened.push(queue);
  const error = await queue.ping().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!NotifyError.is(error)) throw new Error(`expected a NotifyError, got ${String(error)}`);
  return error;
}

describe('a broker that refuses the connection', () => {
  it('names the virtual host that does not exist, and the commands that make it usable', async () => {
    const vhost = `notify-missing-${Date.now().toString(36)}`;
    const error = await pingFailure(`amqp://guest:guest@127.0.0.1:5672/${vhost}`);
    expect(error.code).toBe('QUEUE_UNAVAILABLE');
    const refusal = error.cause as NotifyError;
    expect(refusal.code).toBe('CONFIG_INVALID');
    expect(refusal.message).toContain(`RabbitMQ refused to open virtual host "${vhost}" for user "guest"`);
    expect(refusal.message).toContain(`rabbitmqctl add_vhost ${vhost}`);
    expect(error.message).not.toContain('ConnectionOpenOk');
  });

  it('says the login was refused, naming the user and never the password', async () => {
    const error = await pingFailure('amqp://guest:not-the-Passw0rd@127.0.0.1:5672/');
    const refusal = error.cause as NotifyError;
    expect(refusal.code).toBe('CONFIG_INVALID');
    expect(refusal.message).toContain('RabbitMQ refused the login of user "guest" (ACCESS_REFUSED)');
    expect(JSON.stringify({ message: error.message, details: refusal.details })).not.toContain(
      'not-the-Passw0rd',
    );
  });

  it('leaves an outage as it is: a broker that is not there is no refusal', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(connectRefusal(refused, 'amqp://127.0.0.1:1/')).toBeUndefined();
  });
});
