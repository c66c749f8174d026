import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import type { WebhookSender } from '../ports/webhook-sender.js';
import { type BaseHarness, type ContractIt, withHarness } from './contract-runner.js';

/** How the suite asks for a sender: the SSRF guard's two settings. */
export interface WebhookSenderRules {
  /** `WEBHOOK_ALLOW_PRIVATE_NETWORKS`. */
  allowPrivateNetworks: boolean;
  /** Resolves a host name to every address (the suite's own DNS); the system resolver when absent. */
  lookup?: (host: string) => Promise<string[]>;
}

export type WebhookSenderHarness = BaseHarness<WebhookSender>;

const T = 'WebhookSender:';

interface Received {
  url: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 answering `status` (after `delayMs`), `location` set for a 3xx. */
async function receiver(status: number, delayMs = 0) {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        url: request.url ?? '',
        method: request.method ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = () => {
        response.writeHead(status, status >= 300 && status < 400 ? { location: '/elsewhere' } : {});
        response.end('not read');
      };
      if (delayMs > 0) setTimeout(answer, delayMs).unref();
      else answer();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const BODY = '{"id":"evt_contract","type":"webhook.test","data":{}}';

function request(url: string, timeoutMs = 2_000, trusted?: boolean) {
  return {
    url,
    headers: {
      'content-type': 'application/json',
      'webhook-id': 'evt_contract',
      'user-agent': 'notify-email/contract',
    },
    body: BODY,
    timeoutMs,
    ...(trusted === undefined ? {} : { trusted }),
  };
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: unknown; message?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return (error ?? {}) as { code?: unknown; message?: unknown };
  }
  assert.fail('expected the send to reject');
}

/**
 * The behaviour every WebhookSender must show: the POST as given, any status as an answer, no
 * redirect followed, a timeout and a refusal as rejections, and the SSRF guard at the send (a
 * name that turns private between the check and the connection included), skipped for `trusted`.
 */
export function webhookSenderContract(
  it: ContractIt,
  makeSender: (rules: WebhookSenderRules) => Promise<WebhookSenderHarness>,
): void {
  const open =
    (
      body: (sender: WebhookSender) => Promise<void>,
      rules: WebhookSenderRules = { allowPrivateNetworks: true },
    ) =>
    () =>
      withHarness(
        () => makeSender(rules),
        (harness) => body(harness.subject),
      );

  it(
    `${T} POSTs the body and headers as given and answers with the status, a 500 too`,
    open(async (sender) => {
      const server = await receiver(201);
      const failing = await receiver(500);
      try {
        assert.deepEqual(await sender.send(request(`${server.origin}/hook?x=1`)), { status: 201 });
        const [got] = server.received;
        assert.equal(got?.method, 'POST');
        assert.equal(got?.url, '/hook?x=1');
        assert.equal(got?.body, BODY);
        assert.equal(got?.headers['webhook-id'], 'evt_contract');
        assert.equal(got?.headers['user-agent'], 'notify-email/contract');
        assert.equal(got?.headers['content-type'], 'application/json');
        assert.deepEqual(await sender.send(request(`${failing.origin}/`)), { status: 500 });
      } finally {
        await Promise.all([server.close(), failing.close()]);
      }
    }),
  );

  it(
    `${T} follows no redirect: a 302 is the answer, its target never asked`,
    open(async (sender) => {
      const server = await receiver(302);
      try {
        assert.deepEqual(await sender.send(request(`${server.origin}/hook`)), { status: 302 });
        assert.deepEqual(
          server.received.map((r) => r.url),
          ['/hook'],
        );
      } finally {
        await server.close();
      }
    }),
  );

  it(
    `${T} rejects a receiver that does not answer within the timeout, and a refused connection`,
    open(async (sender) => {
      const server = await receiver(204, 5_000);
      try {
        const started = Date.now();
        const slow = await rejection(sender.send(request(`${server.origin}/slow`, 300)));
        assert.equal(slow.code, 'UNAVAILABLE');
        assert.ok(Date.now() - started < 3_000, 'the timeout bounds the whole exchange');
        const refused = await rejection(sender.send(request(`http://127.0.0.1:${await closedPort()}/`)));
        assert.equal(refused.code, 'UNAVAILABLE');
      } finally {
        await server.close();
      }
    }),
  );

  it(`${T} with private networks refused: loopback, private, metadata, IPv6 loopback and a name resolving to one`, () =>
    withHarness(
      () =>
        makeSender({
          allowPrivateNetworks: false,
          lookup: async (host) => (host === 'sneaky.example.com' ? ['127.0.0.1'] : ['93.184.216.34']),
        }),
      async ({ subject: sender }) => {
        const server = await receiver(204);
        try {
          for (const url of [
            `${server.origin}/`,
            'http://10.0.0.1/',
            'http://169.254.169.254/latest/meta-data/',
            'http://[::1]/',
            `http://sneaky.example.com:${server.port}/`,
          ]) {
            assert.equal((await rejection(sender.send(request(url)))).code, 'WEBHOOK_URL_FORBIDDEN', url);
          }
          assert.deepEqual(server.received, [], 'nothing reached the loopback receiver');
          // The operator's own URL (the status callback) is not a client's: no guard.
          assert.deepEqual(await sender.send(request(`${server.origin}/trusted`, 2_000, true)), {
            status: 204,
          });
        } finally {
          await server.close();
        }
      },
    ));

  it(`${T} connects only to an address it checked: a name turning private after the check is refused`, async () => {
    let asked = 0;
    await withHarness(
      () =>
        makeSender({
          allowPrivateNetworks: false,
          // Public for the check of the URL, loopback for the connection: DNS rebinding.
          lookup: async () => (++asked === 1 ? ['93.184.216.34'] : ['127.0.0.1']),
        }),
      async ({ subject: sender }) => {
        const server = await receiver(204);
        try {
          const error = await rejection(sender.send(request(`http://rebind.example.com:${server.port}/`)));
          assert.equal(error.code, 'WEBHOOK_URL_FORBIDDEN');
          assert.deepEqual(server.received, []);
        } finally {
          await server.close();
        }
      },
    );
  });
}
