import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, silentLogger } from '@notify/email-core';
import type Koa from 'koa';
import { answerClientError } from './client-error.js';

export interface HttpServerOptions {
  /** TCP port; 0 picks a free ephemeral port (tests). */
  port: number;
  /** Interface to bind; default all interfaces. */
  host?: string | undefined;
  /** How long `close()` waits for in-flight requests before cutting connections; default 10 000 ms. */
  drainTimeoutMs?: number | undefined;
  /** Where refused malformed requests are logged (one short line each); default silent. */
  logger?: Logger | undefined;
}

export interface RunningHttpServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  /** The underlying server, for embedders that attach upgrades or tune timeouts. */
  server: Server;
  /**
   * Stops accepting connections, lets in-flight requests finish (up to `drainTimeoutMs`), closes idle
   * keep-alive sockets as they become idle, then destroys whatever is left. Idempotent.
   */
  close(): Promise<void>;
}

/** Serves a Koa app over HTTP/1.1 until `close()`. */
export async function startHttpServer(app: Koa, options: HttpServerOptions): Promise<RunningHttpServer> {
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const handle = app.callback();
  let closing = false;
  const inFlight = new Set<ServerResponse>();
  // Once draining, tell keep-alive clients to go elsewhere instead of reusing this socket.
  const sayGoodbye = (res: ServerResponse): void => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  const server = createServer((req, res) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    if (closing) sayGoodbye(res);
    void handle(req, res);
  });

  server.on('clientError', answerClientError(options.logger ?? silentLogger));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      closing = true;
      for (const res of inFlight) sayGoodbye(res);
      const deadline = setTimeout(() => server.closeAllConnections(), drainTimeoutMs);
      // A socket finishing its last request becomes idle; sweep so close() need not wait for keep-alive timeouts.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      server.close(() => {
        clearTimeout(deadline);
        clearInterval(sweep);
        resolve();
      });
      server.closeIdleConnections();
    });
    return closed;
  };

  return { port, server, close };
}
