import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Socket } from 'node:net';
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
  /** Erlang process id, what `rabbitmqctl close_connection` takes on RabbitMQ 3.x. */
  pid: string;
  /** The broker's name for it, e.g. `127.0.0.1:50412 -> 127.0.0.1:5672`. */
  name: string;
  vhost: string;
  /** The `connection_name` client property the client announced, if any. */
  connectionName: string | null;
}

/** Open connections as the broker sees them. */
export async function listConnections(): Promise<BrokerConnection[]> {
  // The tab-separated form, because it prints pids as `close_connection` wants them
  // (`<rabbit@host.1.2.3>`); the JSON formatter prints `#PID<…>`, which it refuses.
  const out = await rabbitmqctl(
    'list_connections',
    '--no-table-headers',
    'pid',
    'name',
    'vhost',
    'client_properties',
  );
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [pid = '', name = '', vhost = '', props = ''] = line.split('\t');
      const match = /\{"connection_name","((?:[^"\\]|\\.)*)"\}/.exec(props);
      return { pid, name, vhost, connectionName: match ? (match[1] as string) : null };
    });
}

/**
 * Closes, from the broker's side, every connection that announced `connectionName`, the way an
 * operator's `rabbitmqctl close_connection` would. Returns how many were closed.
 */
export async function closeConnectionsNamed(
  connectionName: string,
  reason = 'closed by test',
): Promise<number> {
  const targets = (await listConnections()).filter((c) => c.connectionName === connectionName);
  for (const target of targets) await rabbitmqctl('close_connection', target.pid, reason);
  return targets.length;
}

/**
 * A count for each queue of `vhost`, by queue name: `messages` (ready + unacknowledged, the
 * default) or `messages_unacknowledged` (delivered to a consumer, not yet acked).
 */
export async function queueDepths(
  vhost: string,
  column: 'messages' | 'messages_unacknowledged' = 'messages',
): Promise<Record<string, number>> {
  const out = await rabbitmqctl('list_queues', '-p', vhost, '--formatter', 'json', 'name', column);
  const rows = JSON.parse(out.trim() || '[]') as Array<{ name: string } & Record<typeof column, number>>;
  return Object.fromEntries(rows.map((row) => [row.name, row[column]]));
}

export interface BrokerProxy {
  /** `url` with the host and port of the proxy instead of the broker's. */
  url: string;
  /** Drops every proxied connection and refuses new ones: to the client, the broker is gone. */
  cut(): void;
  /** Accepts and forwards connections again. */
  restore(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of the broker that a test can cut, to show what a client does when the
 * broker disappears (sockets reset, reconnects refused) without stopping the shared broker.
 */
export async function startBrokerProxy(url: string): Promise<BrokerProxy> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  let isCut = false;
  const server = createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5672) });
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(address.port);
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: proxied.toString(),
    cut() {
      isCut = true;
      dropAll();
    },
    restore() {
      isCut = false;
    },
    close() {
      dropAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
