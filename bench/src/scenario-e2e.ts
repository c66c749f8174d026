import { join } from 'node:path';
import { closedLoop } from './closed-loop.js';
import type { RunContext } from './context.js';
import { type CpuCost, cpuCost, takeCpuSnapshot } from './cpu.js';
import { type DrainResult, waitForDrain } from './drain.js';
import { HARNESS_DIST } from './paths.js';
import { forkHelper, nextMessage } from './processes.js';
import { startApi, startWorkers, stopService } from './services.js';
import { publishedCount } from './stack.js';
import { startBenchWebhook } from './webhook-receiver.js';

export interface E2eResult extends DrainResult {
  workers: number;
  backlog: number;
  /** Accept rate while the backlog was filled (closed loop, no worker running). */
  fillAcceptedPerSecond: number;
  /** Messages the SMTP peer received during the drain. */
  peerReceived: number;
  workerPeakRssMb: number[];
  apiPeakRssMb: number;
  /** CPU used by each party from the workers' start to the end of the drain (Linux /proc only). */
  cpu?: CpuCost;
  /** `--webhook`: the endpoint's receiver, and the requests it got by the end of the drain. */
  webhook?: { mode: 'sink' | 'hang'; received: number };
}

export interface RawResult {
  processes: number;
  sent: number;
  elapsedS: number;
  sentPerSecond: number;
  poolSize: number;
  concurrency: number;
  /** CPU used by each party from the senders' start to the last one's end (Linux /proc only). */
  cpu?: CpuCost;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Accepts a backlog with no worker running, waits until the outbox relay has published all of
 * it, stops the API, then starts `workers` worker processes and times the drain.
 */
export async function e2eScenario(ctx: RunContext, workers: number): Promise<E2eResult> {
  const { backlog, saturation } = ctx.options;
  const label = `e2e${workers}`;
  const stack = await ctx.stack(label);
  const webhook =
    ctx.options.webhook === 'none' ? undefined : await startBenchWebhook(stack.db, ctx.options.webhook);
  const api = await startApi(ctx, stack, `${label}-api`);
  ctx.log(`e2e(${workers} worker${workers > 1 ? 's' : ''}): accepting a backlog of ${backlog}`);
  const fill = await closedLoop({
    url: api.url,
    connections: saturation.connections,
    amount: backlog,
    kind: 'accept',
  });
  if (fill.ok !== backlog) {
    ctx.problems.push(`${label}: backlog fill answered ${fill.ok} of ${backlog} with 2xx`);
  }
  await until(
    'the outbox relay to publish the backlog',
    async () => (await publishedCount(stack.db)) >= fill.ok,
    120_000,
  );
  await stopService(ctx, api.process);

  await new Promise((r) => setTimeout(r, ctx.options.pauseMs));
  const before = await ctx.sink.count();
  ctx.log(`e2e(${workers} worker${workers > 1 ? 's' : ''}): draining`);
  // The workers are not running yet: all their CPU time (start-up included) counts as new pids.
  const cpuBefore = takeCpuSnapshot([ctx.sink.helper.pid]);
  const startedAt = Date.now();
  const running = await startWorkers(ctx, stack, workers, label);
  const drain = await waitForDrain(stack.db, fill.ok, startedAt);
  const cpuAfter = takeCpuSnapshot([ctx.sink.helper.pid, ...running.map((w) => w.pid)]);
  const webhookReceived = webhook?.received() ?? 0;
  for (const worker of running) await stopService(ctx, worker);
  await webhook?.close();
  const after = await ctx.sink.count();
  const peerReceived = after.messages - before.messages;
  if (drain.delivered !== fill.ok) {
    ctx.problems.push(
      `${label}: ${drain.delivered} of ${fill.ok} delivered (${drain.failed} failed, ${drain.left} left)`,
    );
  }
  if (peerReceived < drain.delivered) {
    ctx.problems.push(
      `${label}: ${drain.delivered} marked delivered but the SMTP peer received ${peerReceived}`,
    );
  }
  return {
    workers,
    backlog,
    ...drain,
    fillAcceptedPerSecond: fill.okPerSecond,
    peerReceived,
    workerPeakRssMb: running.map((w) => w.memory.peakMb),
    apiPeakRssMb: api.process.memory.peakMb,
    cpu: cpuCost({
      before: cpuBefore,
      after: cpuAfter,
      clientsAre: 'workers',
      clientPids: running.map((w) => w.pid),
      smtpPeerPid: ctx.sink.helper.pid,
      messages: drain.delivered,
    }),
    ...(ctx.options.webhook === 'none'
      ? {}
      : { webhook: { mode: ctx.options.webhook, received: webhookReceived } }),
  };
}

/** The ceiling: `processes` raw nodemailer senders splitting the backlog, with the stock pool settings. */
export async function rawScenario(ctx: RunContext, processes: number): Promise<RawResult> {
  const { backlog, serviceEnv } = ctx.options;
  const poolSize = Number(serviceEnv.SMTP_POOL_SIZE ?? 10);
  const concurrency = Number(serviceEnv.WORKER_CONCURRENCY ?? 64);
  const per = Math.ceil(backlog / processes);
  ctx.log(`raw nodemailer: ${processes} process(es), ${per} messages each, pool ${poolSize}`);
  await new Promise((r) => setTimeout(r, ctx.options.pauseMs));
  const before = await ctx.sink.count();
  const cpuBefore = takeCpuSnapshot([ctx.sink.helper.pid]);
  const senders = Array.from({ length: processes }, (_, i) =>
    forkHelper(
      `raw-sender-${processes}-${i + 1}`,
      join(HARNESS_DIST, 'raw-sender.js'),
      [String(ctx.sink.port), String(per), String(poolSize), String(concurrency)],
      ctx.runDir,
    ),
  );
  const started = Date.now();
  const results = await Promise.all(
    senders.map((s) => nextMessage<{ sent?: number; elapsedMs?: number; error?: string }>(s, 'done')),
  );
  const elapsedS = (Date.now() - started) / 1000;
  const cpuAfter = takeCpuSnapshot([ctx.sink.helper.pid, ...senders.map((s) => s.pid)]);
  for (const s of senders) await s.stop();
  const sent = results.reduce((a, r) => a + (r.sent ?? 0), 0);
  for (const r of results) if (r.error) ctx.problems.push(`raw sender: ${r.error}`);
  const received = (await ctx.sink.count()).messages - before.messages;
  if (received !== sent) ctx.problems.push(`raw sender: sent ${sent}, the SMTP peer received ${received}`);
  // Each sender times its own sends (after its start-up); the slowest one bounds the batch.
  const slowestS = Math.max(...results.map((r) => (r.elapsedMs ?? 0) / 1000));
  return {
    processes,
    sent,
    elapsedS: slowestS || elapsedS,
    sentPerSecond: sent / (slowestS || elapsedS),
    poolSize,
    concurrency,
    cpu: cpuCost({
      before: cpuBefore,
      after: cpuAfter,
      clientsAre: 'raw senders',
      clientPids: senders.map((s) => s.pid),
      smtpPeerPid: ctx.sink.helper.pid,
      messages: sent,
    }),
  };
}
