import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { cleanupAll } from './cleanup.js';
import type { RunContext, SinkCount } from './context.js';
import { parseOptions, runs } from './options.js';
import { HARNESS_DIST, RESULTS_DIR, ROOT, SERVICE_ROOT } from './paths.js';
import { ask, forkHelper, nextMessage } from './processes.js';
import { profilesIn, summarizeProfile } from './profile.js';
import { formatTable, type Results, tableRows } from './report.js';
import { apiScenario } from './scenario-api.js';
import { e2eScenario, rawScenario } from './scenario-e2e.js';
import { soakScenario } from './scenario-soak.js';
import { createStack, type Stack, versions } from './stack.js';

function packageVersion(dir: string, dep?: string): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
  };
  return dep ? (pkg.dependencies?.[dep] ?? '?') : pkg.version;
}

function machine() {
  const free = (() => {
    try {
      return execFileSync('free', ['-h'], { encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  })();
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? '?',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    free,
    kernel: release(),
  };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = join(RESULTS_DIR, stamp);
  mkdirSync(runDir, { recursive: true });
  const started = Date.now();
  const log = (line: string) =>
    console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  log(`notify-email benchmark (${options.mode}); logs in ${runDir}`);
  const loadAtStart = loadavg();
  if ((loadAtStart[0] ?? 0) > 0.5) {
    log(
      `!! load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}: other work is running; figures will be low`,
    );
  }

  const sinkHelper = forkHelper('smtp-sink', join(HARNESS_DIST, 'smtp-sink.js'), [], runDir);
  const { port } = await nextMessage<{ port: number }>(sinkHelper, 'ready');
  // rabbitmqctl starts an Erlang VM per call (seconds each): prepare every scenario's stack at once.
  const labels = [
    ...(runs(options, 'api') ? ['api'] : []),
    ...(runs(options, 'e2e') ? options.workerCounts.map((n) => `e2e${n}`) : []),
    ...(runs(options, 'soak') ? ['soak'] : []),
  ];
  const stacks = new Map<string, Promise<Stack>>(labels.map((label) => [label, createStack(label)]));
  // All ready before anything is measured: preparing them costs CPU that would skew the first
  // figures. A failure surfaces in the scenario that needs the stack.
  log(`preparing ${labels.length} database(s) and vhost(s)`);
  await Promise.allSettled(stacks.values());
  const ctx: RunContext = {
    options,
    runDir,
    sink: { port, helper: sinkHelper, count: () => ask<SinkCount>(sinkHelper, { type: 'count' }) },
    problems: [],
    stack: (label) => stacks.get(label) ?? createStack(label),
    log,
  };

  const results: Results = { e2e: [], raw: [] };
  let failure: unknown;
  try {
    if (runs(options, 'api')) results.api = await apiScenario(ctx);
    if (runs(options, 'raw'))
      for (const n of options.workerCounts) results.raw.push(await rawScenario(ctx, n));
    if (runs(options, 'e2e'))
      for (const n of options.workerCounts) results.e2e.push(await e2eScenario(ctx, n));
    if (runs(options, 'soak')) results.soak = await soakScenario(ctx);
  } catch (error) {
    failure = error;
    ctx.problems.push(
      `run aborted: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
  const cleanupFailures = await cleanupAll();
  ctx.problems.push(...cleanupFailures.map((f) => `cleanup: ${f}`));

  const profiles =
    options.profile === 'none' ? [] : findProfiles(runDir).map((file) => summarizeProfile(file));
  const report = {
    startedAt: new Date(started).toISOString(),
    command: `pnpm bench ${process.argv.slice(2).join(' ')}`.trim(),
    serviceRoot: SERVICE_ROOT,
    mode: options.mode,
    machine: machine(),
    // Anything else running skews every figure; a load average near nproc means a busy machine.
    loadAverage: { atStart: loadAtStart, atEnd: loadavg() },
    versions: {
      node: process.version,
      ...(await versions().catch(() => ({ postgres: '?', rabbitmq: '?' }))),
      notifyEmail: packageVersion('packages/core'),
      koa: packageVersion('packages/host-koa', 'koa'),
      pg: packageVersion('packages/adapter-postgres', 'pg'),
      amqplib: packageVersion('packages/adapter-amqp', 'amqplib'),
      nodemailer: packageVersion('packages/adapter-smtp', 'nodemailer'),
    },
    options: { ...options, only: options.only ? [...options.only] : undefined },
    results,
    profiles,
    problems: ctx.problems,
    elapsedS: (Date.now() - started) / 1000,
  };
  const file = join(RESULTS_DIR, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);

  console.log(`\n${formatTable(tableRows(results))}\n`);
  if (options.mode === 'smoke')
    console.log('(smoke run: tiny sizes; it checks that the benchmark works, its figures mean nothing)');
  for (const p of profiles) {
    console.log(`CPU profile ${p.file}`);
    console.log(`  by area: ${p.byArea.map((a) => `${a.area} ${a.percent}%`).join(', ')}`);
    for (const t of p.top.slice(0, 10))
      console.log(`  ${String(t.percent).padStart(5)}%  ${t.fn}  ${t.where}`);
  }
  console.log(`Results: ${file}`);
  if (ctx.problems.length > 0) {
    console.error(`\n${ctx.problems.length} problem(s):\n- ${ctx.problems.join('\n- ')}`);
    console.error(`Process logs: ${runDir}`);
  }
  log(`done in ${report.elapsedS.toFixed(1)} s`);
  return failure || ctx.problems.length > 0 ? 1 : 0;
}

/** Profiles of every process started under --cpu-prof (services.ts puts them in profile-<name>/). */
function findProfiles(runDir: string): string[] {
  return readdirSync(runDir)
    .filter((d) => d.startsWith('profile-'))
    .flatMap((d) => profilesIn(join(runDir, d)));
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`\n${signal}: cleaning up (again to exit at once)`);
    void cleanupAll().then((failures) => {
      for (const f of failures) console.error(`cleanup: ${f}`);
      process.exit(130);
    });
  });
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(error);
    await cleanupAll();
    process.exit(1);
  },
);
