import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';

/**
 * `--webhook=sink|hang`: an endpoint subscribed to every event, pointing at a receiver in the
 * harness that answers 204 at once (sink) or reads each request and never answers (hang), so the
 * end-to-end figure shows what webhooks cost mail delivery. The endpoint row is written straight
 * into the scenario's database before the backlog is accepted (the shape of migration 0005).
 */
export interface BenchWebhookReceiver {
  received(): number;
  close(): Promise<void>;
}

export async function startBenchWebhook(db: pg.Pool, mode: 'sink' | 'hang'): Promise<BenchWebhookReceiver> {
  let received = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      if (mode === 'sink') response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await db.query(
    `INSERT INTO webhook_endpoints (id, kind, url, events, description, enabled, secret, created_at, updated_at)
     VALUES ('wh_bench', 'webhook', $1, '{*}', 'bench', true, 'whsec_YmVuY2ggc2VjcmV0IGJlbmNoIHNlY3JldA==', now(), now())`,
    [`http://127.0.0.1:${port}/hooks`],
  );
  return {
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
