import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Temporary RabbitMQ vhosts for integration tests, driven through `rabbitmqctl` (the broker here
 * has no management plugin). Each test file gets its own vhost, so parallel runs never see each
 * other's exchanges, queues or messages, and removing the vhost deletes everything in it.
 */

const run = promisify(execFile);

const HOST = process.env.RABBITMQ_HOST ?? '127.0.0.1';
const PORT = process.env.RABBITMQ_PORT ?? '5672';
const USER = process.env.RABBITMQ_USER ?? 'guest';
const PASSWORD = process.env.RABBITMQ_PASSWORD ?? 'guest';

export interface TestVhost {
  /** `amqp://guest:guest@127.0.0.1:5672/<vhost>`, ready for amqplib. */
  url: string;
  vhost: string;
  /** Deletes the vhost with everything in it (and drops its connections). Safe to call twice. */
  remove(): Promise<void>;
}

export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['-q', ...args], { timeout: 30_000 });
  return stdout;
}

export async function createTestVhost(prefix = 'notify-test'): Promise<TestVhost> {
  const vhost = `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, USER, '.*', '.*', '.*');
  let removed = false;
  return {
    vhost,
    url: `amqp://${USER}:${PASSWORD}@${HOST}:${PORT}/${encodeURIComponent(vhost)}`,
    async remove() {
      if (removed) return;
      removed = true;
      await rabbitmqctl('delete_vhost', vhost);
    },
  };
}

export interface BrokerConnection {
  /** The broker's name for it, e.g. `127.0.0.1:50412 -> 127.0.0.1:5672`. */
  name: string;
  vhost: string;
  /** The `connection_name` client property the client announced, if any. */
  connectionName: string | null;
}

/** Open connections as the broker sees them. */
export async function listConnections(): Promise<BrokerConnection[]> {
  const out = await rabbitmqctl('list_connections', '--formatter', 'json', 'name', 'vhost', 'client_properties');
  const rows = JSON.parse(out.trim() || '[]') as Array<{
    name: string;
    vhost: string;
    client_properties: Array<[string, string, unknown]>;
  }>;
  return rows.map((row) => {
    const prop = row.client_properties.find(([key]) => key === 'connection_name');
    return { name: row.name, vhost: row.vhost, connectionName: typeof prop?.[2] === 'string' ? prop[2] : null };
  });
}

/**
 * Closes, from the broker's side, every connection that announced `connectionName`, the way an
 * operator's `rabbitmqctl close_connection` would. Returns how many were closed.
 */
export async function closeConnectionsNamed(connectionName: string, reason = 'closed by test'): Promise<number> {
  const targets = (await listConnections()).filter((c) => c.connectionName === connectionName);
  for (const target of targets) await rabbitmqctl('close_connection', target.name, reason);
  return targets.length;
}

/** Messages ready in each queue of `vhost`, by queue name. */
export async function queueDepths(vhost: string): Promise<Record<string, number>> {
  const out = await rabbitmqctl('list_queues', '-p', vhost, '--formatter', 'json', 'name', 'messages');
  const rows = JSON.parse(out.trim() || '[]') as Array<{ name: string; messages: number }>;
  return Object.fromEntries(rows.map((row) => [row.name, row.messages]));
}
