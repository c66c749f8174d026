import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message as the stand-in API received it (the JSON the transport posted). */
export interface ApiEmail {
  id: string;
  from: string;
  to: string;
  subject: string;
  html?: string;
  text?: string;
  headers: Record<string, string>;
}

export interface EmailApiStandIn {
  baseUrl: string;
  token: string;
  /** Everything accepted so far, in order. */
  readonly received: ApiEmail[];
  /** Answer the next send with this status (e.g. 422 for a refused recipient, 503 for an outage). */
  failNext(status: number, message: string): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for a hosted email API (the shape Postmark, Resend and SES share): `POST /email`
 * with a bearer token and a JSON message answers `200 { id }`; `GET /health` answers 200.
 */
export async function startEmailApiStandIn(token = 'test-token'): Promise<EmailApiStandIn> {
  const received: ApiEmail[] = [];
  const failures: Array<{ status: number; message: string }> = [];
  let counter = 0;

  const server = createServer(async (req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: 'bad token' });
    if (req.method === 'GET' && req.url === '/health') return reply(200, { ok: true });
    if (req.method !== 'POST' || req.url !== '/email') return reply(404, { error: 'no such route' });
    const body = JSON.parse(await readBody(req)) as Omit<ApiEmail, 'id'>;
    const failure = failures.shift();
    if (failure) return reply(failure.status, { error: failure.message });
    counter += 1;
    const id = `msg-${counter}`;
    received.push({ id, ...body });
    return reply(200, { id });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    token,
    received,
    failNext(status, message) {
      failures.push({ status, message });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
