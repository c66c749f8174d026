import autocannon from 'autocannon';
import { ACCEPT_PATH, acceptBody, JSON_HEADERS } from './payload.js';

export interface ClosedLoopResult {
  /** 2xx answers per second over the run. */
  okPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  latencyMs: { p50: number; p99: number; max: number };
  statusCodes: Record<string, number>;
}

export interface ClosedLoopOptions {
  url: string;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  durationS?: number;
  /** Stop after this many requests. */
  amount?: number;
  /** POST the seed body with a fresh request_id each time (default), or GET `path`. */
  kind: 'accept' | 'hello';
}

/**
 * Saturation: `connections` clients each send their next request as soon as the last one is
 * answered (closed loop), so the figure is the server's throughput, not its latency under a
 * given load (open-loop.ts measures that).
 */
export async function closedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const request: autocannon.Request =
    options.kind === 'accept'
      ? {
          method: 'POST',
          path: ACCEPT_PATH,
          headers: { ...JSON_HEADERS },
          // Called before every request: each carries its own request_id, so each is a real commit.
          setupRequest: (req) => ({ ...req, body: acceptBody() }),
        }
      : { method: 'POST', path: ACCEPT_PATH, headers: { ...JSON_HEADERS }, body: acceptBody() };
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationS ?? 10 }),
    requests: [request],
    timeout: 30,
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stat.count ?? 0;
  return {
    okPerSecond: result['2xx'] / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    statusCodes,
  };
}
