import { join } from 'node:path';
import { type ClosedLoopResult, closedLoop } from './closed-loop.js';
import type { RunContext } from './context.js';
import { type OpenLoopResult, openLoop } from './open-loop.js';
import { HARNESS_DIST } from './paths.js';
import { forkHelper, nextMessage } from './processes.js';
import { startApi, stopService } from './services.js';
import { statusCounts } from './stack.js';

export interface ApiResults {
  helloWorld: ClosedLoopResult;
  saturation: ClosedLoopResult;
  /** saturation accepted/s ÷ hello-world answers/s */
  ratioToHelloWorld: number;
  rates: OpenLoopResult[];
  peakRssMb: number;
  /** Rows in the database after the phase, against the 202s counted by the clients. */
  rowsStored: number;
  acceptedAnswers: number;
}

function checkClean(ctx: RunContext, what: string, r: { non2xx: number; errors: number; timeouts: number }) {
  if (r.non2xx + r.errors + r.timeouts > 0) {
    ctx.problems.push(`${what}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  }
}

/** The Koa hello-world ceiling, measured exactly like the accept route. */
async function helloWorld(ctx: RunContext): Promise<ClosedLoopResult> {
  const { saturation } = ctx.options;
  const hello = forkHelper('hello-koa', join(HARNESS_DIST, 'hello-koa.js'), [], ctx.runDir);
  const { port } = await nextMessage<{ port: number }>(hello, 'ready');
  const url = `http://127.0.0.1:${port}`;
  try {
    await closedLoop({
      url,
      connections: saturation.connections,
      durationS: saturation.warmupS,
      kind: 'hello',
    });
    const result = await closedLoop({
      url,
      connections: saturation.connections,
      durationS: saturation.durationS,
      kind: 'hello',
    });
    checkClean(ctx, 'hello-world', result);
    return result;
  } finally {
    await hello.stop();
  }
}

/** Accept throughput at saturation and latency at fixed open-loop rates, workers stopped. */
export async function apiScenario(ctx: RunContext): Promise<ApiResults> {
  const { saturation, rates, rateDurationS } = ctx.options;
  ctx.log(`api: Koa hello-world ceiling, ${saturation.connections} connections, ${saturation.durationS} s`);
  const hello = await helloWorld(ctx);

  const stack = await ctx.stack('api');
  const api = await startApi(ctx, stack, 'api');
  ctx.log(`api: accept saturation, ${saturation.connections} connections, ${saturation.durationS} s`);
  // Warm-up: JIT, pool connections, first pages of the table and index.
  const warm = await closedLoop({
    url: api.url,
    connections: saturation.connections,
    durationS: saturation.warmupS,
    kind: 'accept',
  });
  const result = await closedLoop({
    url: api.url,
    connections: saturation.connections,
    durationS: saturation.durationS,
    kind: 'accept',
  });
  checkClean(ctx, 'accept warm-up', warm);
  checkClean(ctx, 'accept saturation', result);

  const openResults: OpenLoopResult[] = [];
  for (const rate of rates) {
    ctx.log(`api: open loop at ${rate} req/s for ${rateDurationS} s`);
    await new Promise((r) => setTimeout(r, ctx.options.pauseMs));
    const r = await openLoop({ url: api.url, rate, durationS: rateDurationS });
    if (r.failed > 0)
      ctx.problems.push(`open loop ${rate}/s: ${r.failed} failed (${JSON.stringify(r.statusCodes)})`);
    openResults.push(r);
  }
  await stopService(ctx, api.process);

  const counts = await statusCounts(stack.db);
  const rowsStored = Object.values(counts).reduce((a, b) => a + b, 0);
  const acceptedAnswers = warm.ok + result.ok + openResults.reduce((a, r) => a + r.ok, 0);
  // A closed loop that ends on time abandons the requests in flight (at most one per connection
  // per run): the server still commits them, the client never counts their 202.
  const abandoned = rowsStored - acceptedAnswers;
  if (abandoned < 0 || abandoned > 2 * saturation.connections) {
    ctx.problems.push(`api: ${acceptedAnswers} notifications answered 202 but ${rowsStored} rows stored`);
  }
  return {
    helloWorld: hello,
    saturation: result,
    ratioToHelloWorld: result.okPerSecond / hello.okPerSecond,
    rates: openResults,
    peakRssMb: api.process.memory.peakMb,
    rowsStored,
    acceptedAnswers,
  };
}
