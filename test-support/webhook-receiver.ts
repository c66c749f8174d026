/**
 * A webhook receiver on loopback for the end-to-end and fault tests: a real node:http server that
 * keeps every request (headers, raw body, arrival time) and answers as told: a status, the first
 * N attempts of each `webhook-id` with a failure, never (a receiver that hangs), or not at all
 * (down: the port refuses connections, then listens again on the same port).
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingMessage['headers'];
  body: string;
  /** `webhook-id` */
  id: string;
  /** The parsed body. */
  event: { id: string; type: string; created_at: string; data: Record<string, unknown> };
  at: number;
  /** What it was answered (null: never answered). */
  status: number | null;
}

export type ReceiverMode =
  | { kind: 'answer'; status: number }
  /** The first `times` attempts of each webhook-id get `status`, later ones 204. */
  | { kind: 'fail-first'; times: number; status: number }
  /** Reads the request and never answers. */
  | { kind: 'hang' };

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hooks` */
  readonly url: string;
  readonly received: ReceivedWebhook[];
  mode(mode: ReceiverMode): void;
  /** Stops listening and drops every open connection: senders see ECONNREFUSED. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Whether each request's signature verifies with `secret` (the stack's clock is this machine's). */
  allSigned(secret: string): boolean;
  /** The distinct webhook-ids received, and how many times each (only those answered 2xx, when asked). */
  countsById(answered2xx?: boolean): Map<string, number>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const attemptsById = new Map<string, number>();
  const sockets = new Set<Socket>();
  let mode: ReceiverMode = { kind: 'answer', status: 204 };
  let server: Server | undefined;
  let port = 0;

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const id = String(request.headers['webhook-id'] ?? '');
      const attempt = (attemptsById.get(id) ?? 0) + 1;
      attemptsById.set(id, attempt);
      let status: number | null = null;
      if (mode.kind === 'answer') status = mode.status;
      else if (mode.kind === 'fail-first') status = attempt <= mode.times ? mode.status : 204;
      let event: ReceivedWebhook['event'];
      try {
        event = JSON.parse(body);
      } catch {
        event = { id: '', type: 'unparseable', created_at: '', data: {} };
      }
      received.push({ headers: request.headers, body, id, event, at: Date.now(), status });
      if (status === null) return; // hang: the sender's timeout ends it
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end('ok');
    });
  };

  const listen = async () => {
    const next = createServer(handle);
    next.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };

  const down = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = undefined;
      if (current === undefined) return resolve();
      current.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  await listen();
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    mode(next) {
      mode = next;
    },
    down,
    up: listen,
    allSigned(secret) {
      return received.every((r) => verifiedStandardWebhook(secret, r.headers, r.body));
    },
    countsById(answered2xx = false) {
      const counts = new Map<string, number>();
      for (const r of received) {
        if (answered2xx && (r.status === null || r.status < 200 || r.status > 299)) continue;
        counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
      }
      return counts;
    },
    close: down,
  };
}

/**
 * The receiver's check, written from the Standard Webhooks spec as docs/webhooks.md shows it,
 * not with the service's own helper: a signature the service gets wrong both ways would pass that.
 */
function verifiedStandardWebhook(secret: string, headers: IncomingMessage['headers'], body: string): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 600) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = Buffer.from(
    `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`,
  );
  return signatures
    .split(' ')
    .some((s) => s.length === expected.length && timingSafeEqual(Buffer.from(s), expected));
}
