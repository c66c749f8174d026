import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpWebhookSender } from '../src/index.js';
import { type LocalHttpServer, startLocalHttpServer } from './local-http-server.js';

const servers: LocalHttpServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function receiver(status = 204, delayMs = 0): Promise<LocalHttpServer> {
  const server = await startLocalHttpServer((_request, response) => {
    const answer = () => {
      response.writeHead(status, status === 302 ? { location: '/elsewhere' } : {});
      response.end('ignored body');
    };
    if (delayMs > 0) setTimeout(answer, delayMs).unref();
    else answer();
  });
  servers.push(server);
  return server;
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const request = (url: string, timeoutMs = 2_000) => ({
  url,
  headers: { 'content-type': 'application/json', 'webhook-id': 'evt_1', 'user-agent': 'notify-email/test' },
  body: '{"id":"evt_1","type":"webhook.test"}',
  timeoutMs,
});

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  throw new Error('expected a rejection');
}

describe('HttpWebhookSender', () => {
  const open = createHttpWebhookSender({ allowPrivateNetworks: true });

  it('POSTs the body and headers and answers with the status, the body unread', async () => {
    const server = await receiver(201);
    expect(await open.send(request(`${server.origin}/hook?x=1`))).toEqual({ status: 201 });
    const [received] = server.requests;
    expect(received).toMatchObject({
      method: 'POST',
      url: '/hook?x=1',
      body: '{"id":"evt_1","type":"webhook.test"}',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'evt_1',
        'user-agent': 'notify-email/test',
      },
    });
  });

  it('follows no redirect: a 302 is the answer, and its target is never asked', async () => {
    const server = await receiver(302);
    expect(await open.send(request(`${server.origin}/hook`))).toEqual({ status: 302 });
    expect(server.requests.map((r) => r.url)).toEqual(['/hook']);
  });

  it('a receiver that does not answer in time is a timeout; a closed port is refused', async () => {
    const server = await receiver(204, 5_000);
    const started = Date.now();
    const slow = await rejection(open.send(request(`${server.origin}/slow`, 200)));
    expect(slow).toMatchObject({ code: 'UNAVAILABLE', message: 'timed out after 200 ms' });
    expect(Date.now() - started).toBeLessThan(3_000);
    const refused = await rejection(open.send(request(`http://127.0.0.1:${await closedPort()}/`)));
    expect(refused).toMatchObject({ code: 'UNAVAILABLE' });
    expect(refused.message).toMatch(/ECONNREFUSED/);
  });

  it('with the flag off, refuses loopback, private, metadata and IPv6 loopback hosts, and names that resolve to them', async () => {
    const server = await receiver();
    const port = new URL(server.origin).port;
    const guarded = createHttpWebhookSender({
      allowPrivateNetworks: false,
      lookup: async (host) => (host === 'sneaky.example.com' ? ['127.0.0.1'] : ['93.184.216.34']),
    });
    for (const url of [
      `http://127.0.0.1:${port}/`,
      'http://10.0.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      `http://sneaky.example.com:${port}/`,
    ]) {
      expect(await rejection(guarded.send(request(url))), url).toMatchObject({
        code: 'WEBHOOK_URL_FORBIDDEN',
      });
    }
    expect(server.requests).toEqual([]);
  });

  it('connects only to an address it checked: a name that turns private after the check is refused (DNS rebinding)', async () => {
    const server = await receiver();
    const port = new URL(server.origin).port;
    let asked = 0;
    const rebinding = createHttpWebhookSender({
      allowPrivateNetworks: false,
      // Public for the URL check, loopback for the connection: what a rebinding name answers.
      lookup: async () => (++asked === 1 ? ['93.184.216.34'] : ['127.0.0.1']),
    });
    const error = await rejection(rebinding.send(request(`http://rebind.example.com:${port}/`)));
    expect(error).toMatchObject({ code: 'WEBHOOK_URL_FORBIDDEN' });
    expect(asked).toBe(2);
    expect(server.requests).toEqual([]);
  });
});
