import type { RunContext } from './context.js';
import { type DrainResult, waitForDrain } from './drain.js';
import { type MemorySample, slopeMbPerMinute } from './memory.js';
import { type OpenLoopResult, openLoop } from './open-loop.js';
import { startApi, startWorkers, stopService } from './services.js';

export interface SoakProcessMemory {
  peakMb: number;
  /** RSS after the warm-up and at the end. */
  firstMb: number;
  lastMb: number;
  /** Least-squares slope of RSS after the warm-up, MB per minute. */
  slopeMbPerMin: number;
  samples: MemorySample[];
}

export interface SoakResult {
  rate: number;
  durationS: number;
  warmupS: number;
  load: OpenLoopResult;
  drain: DrainResult;
  api: SoakProcessMemory;
  worker: SoakProcessMemory;
}

/** Memory of one process; the slope counts from `loadStartedAt` + the warm-up on. */
function memoryOf(
  samples: MemorySample[],
  peakMb: number,
  loadStartedAt: number,
  warmupS: number,
): SoakProcessMemory {
  const steady = samples.filter((s) => s.at >= loadStartedAt + warmupS * 1000);
  return {
    peakMb,
    firstMb: steady[0]?.rssMb ?? Number.NaN,
    lastMb: steady[steady.length - 1]?.rssMb ?? Number.NaN,
    slopeMbPerMin: slopeMbPerMinute(steady),
    // One sample per 5 s is plenty for the JSON.
    samples: samples.filter((_, i) => i % 10 === 0),
  };
}

/** API and one worker under a steady open-loop rate; RSS of both sampled throughout. */
export async function soakScenario(ctx: RunContext): Promise<SoakResult> {
  const { rate, durationS, warmupS } = ctx.options.soak;
  const stack = await ctx.stack('soak');
  const api = await startApi(ctx, stack, 'soak-api');
  const [worker] = await startWorkers(ctx, stack, 1, 'soak');
  if (!worker) throw new Error('soak: no worker started');
  ctx.log(`soak: ${rate} req/s for ${durationS} s, API + 1 worker`);
  const startedAt = Date.now();
  const load = await openLoop({ url: api.url, rate, durationS });
  if (load.failed > 0)
    ctx.problems.push(`soak: ${load.failed} requests failed (${JSON.stringify(load.statusCodes)})`);
  const drain = await waitForDrain(stack.db, load.ok, startedAt);
  if (drain.delivered !== load.ok) {
    ctx.problems.push(
      `soak: ${drain.delivered} of ${load.ok} delivered (${drain.failed} failed, ${drain.left} left)`,
    );
  }
  await stopService(ctx, worker);
  await stopService(ctx, api.process);
  return {
    rate,
    durationS,
    warmupS,
    load,
    drain,
    api: memoryOf(api.process.memory.samples, api.process.memory.peakMb, startedAt, warmupS),
    worker: memoryOf(worker.memory.samples, worker.memory.peakMb, startedAt, warmupS),
  };
}
