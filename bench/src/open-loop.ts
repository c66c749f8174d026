import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { ACCEPT_PATH, acceptBody } from './payload.js';

export interface OpenLoopResult {
  offeredRate: number;
  /** Requests actually sent per second (below `offeredRate` only if the generator fell behind). */
  sentRate: number;
  sent: number;
  ok: number;
  failed: number;
  statusCodes: Record<string, number>;
  /** From the scheduled send time to the end of the answer, in ms. */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

export interface OpenLoopOptions {
  url: string;
  rate: number;
  durationS: number;
  /** Called for each answer, e.g. to collect latencies per second of a soak. */
  onAnswer?: (at: number, latencyMs: number, status: number) => void;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

/**
 * Open loop: request i is due at start + i/rate, whether or not earlier ones were answered, and
 * its latency runs from that due time, not from when it actually went out. A closed-loop tool
 * (or a rate-limited one like autocannon's overallRate) waits for answers before sending more,
 * so a server stall delays the requests that would have seen it and hides the stall: the
 * "coordinated omission" that makes p99 look better than any real client experiences.
 */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(ACCEPT_PATH, options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const total = Math.max(1, Math.round(options.rate * options.durationS));
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let failed = 0;
  let sent = 0;
  let answered = 0;
  let lastSendAt = 0;

  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const body = acceptBody();
      const finish = (status: number) => {
        const now = performance.now();
        const latency = now - due;
        latencies.push(latency);
        statusCodes[String(status)] = (statusCodes[String(status)] ?? 0) + 1;
        if (status < 200 || status >= 300) failed += 1;
        options.onAnswer?.(now, latency, status);
        answered += 1;
        resolve();
      };
      const req = http.request(
        target,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.once('end', () => finish(res.statusCode ?? 0));
          res.once('error', () => finish(0));
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.once('error', () => finish(0));
      req.end(body);
    });

  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
      while (sent < due) {
        inFlight.push(send(start + sent * intervalMs));
        sent += 1;
      }
      lastSendAt = now;
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(intervalMs, 1)));
    };
    tick();
  });
  // First to last send: n requests span n - 1 intervals.
  const sendSpanS = Math.max((lastSendAt - start) / 1000, intervalMs / 1000);
  await Promise.all(inFlight);
  agent.destroy();
  if (answered !== sent) throw new Error(`open loop: ${sent} sent but ${answered} answered`);
  latencies.sort((a, b) => a - b);
  return {
    offeredRate: options.rate,
    sentRate: sent > 1 ? (sent - 1) / sendSpanS : sent,
    sent,
    ok: sent - failed,
    failed,
    statusCodes,
    latencyMs: {
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] as number,
    },
  };
}
