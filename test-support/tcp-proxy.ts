import { connect, createServer, type Socket } from 'node:net';

export interface CuttableProxy {
  /** host:port of the proxy on loopback; point a client here instead of at the service. */
  host: string;
  port: number;
  /** Drops every open connection and refuses new ones (the service "goes down"). */
  cut(): Promise<void>;
  /** Accepts connections again on the same port (the service "comes back"). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a real service on loopback that can be cut and restored, to stage an
 * outage and a recovery on one address without touching the shared server.
 */
export async function startCuttableProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((inbound) => {
    const outbound = connect(targetPort, targetHost);
    track(inbound);
    track(outbound);
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const stop = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  };
  return {
    host: '127.0.0.1',
    port,
    cut: stop,
    restore: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: stop,
  };
}
