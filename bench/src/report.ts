import { type CpuCost, cpuTableLines } from './cpu.js';
import type { ApiResults } from './scenario-api.js';
import type { E2eResult, RawResult } from './scenario-e2e.js';
import type { SoakResult } from './scenario-soak.js';

export interface Results {
  api?: ApiResults;
  e2e: E2eResult[];
  raw: RawResult[];
  soak?: SoakResult;
}

/** The targets for this 2-core machine; a `flat` soak grows by at most 1 MB/min (shrinking is fine). */
const TARGETS = {
  acceptPerSecond: 3000,
  p99At100Ms: 10,
  p99At500Ms: 25,
  deliveredPerSecond: 800,
  ratioToRawNodemailer: 0.8,
  rssMb: 200,
  soakSlopeMbPerMin: 1,
} as const;

type Row = [string, string, string, string];

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
/** A line of its own under a run (only the first cell is filled; formatTable lets it run past the columns). */
const cpuRows = (cpu: CpuCost | undefined): Row[] =>
  cpu ? cpuTableLines(cpu).map((l) => [l, '', '', '']) : [];
const isNote = (r: Row) => r[1] === '' && r[2] === '' && r[3] === '';

export function tableRows(results: Results): Row[] {
  const rows: Row[] = [];
  const { api, e2e, raw, soak } = results;
  if (api) {
    const sat = api.saturation;
    rows.push(['Koa hello-world (ceiling)', `${f0(api.helloWorld.okPerSecond)} req/s`, '', '']);
    rows.push([
      'API accepted at saturation',
      `${f0(sat.okPerSecond)} /s (p50 ${f1(sat.latencyMs.p50)} / p99 ${f1(sat.latencyMs.p99)} ms)`,
      `≥ ${f0(TARGETS.acceptPerSecond)}`,
      mark(sat.okPerSecond >= TARGETS.acceptPerSecond),
    ]);
    rows.push(['  ratio to hello-world', f2(api.ratioToHelloWorld), '', '']);
    for (const r of api.rates) {
      const target =
        r.offeredRate === 100 ? TARGETS.p99At100Ms : r.offeredRate === 500 ? TARGETS.p99At500Ms : undefined;
      rows.push([
        `API latency at ${f0(r.offeredRate)} req/s (open loop)`,
        `p50 ${f1(r.latencyMs.p50)} / p99 ${f1(r.latencyMs.p99)} / max ${f1(r.latencyMs.max)} ms`,
        target === undefined ? '' : `p99 ≤ ${target} ms`,
        target === undefined ? '' : mark(r.latencyMs.p99 <= target),
      ]);
    }
    rows.push([
      'API peak RSS',
      `${f1(api.peakRssMb)} MB`,
      `≤ ${TARGETS.rssMb} MB`,
      mark(api.peakRssMb <= TARGETS.rssMb),
    ]);
  }
  for (const r of raw) {
    rows.push([
      `raw nodemailer, ${r.processes} process(es) (ceiling)`,
      `${f0(r.sentPerSecond)} sent/s`,
      '',
      '',
    ]);
    rows.push(...cpuRows(r.cpu));
  }
  for (const r of e2e) {
    const ceiling = raw.find((c) => c.processes === r.workers);
    const ratio = ceiling ? r.deliveredPerSecond / ceiling.sentPerSecond : Number.NaN;
    rows.push([
      `End to end, ${r.workers} worker(s), backlog ${f0(r.backlog)}`,
      `${f0(r.deliveredPerSecond)} delivered/s (wall ${f1(r.wallS)} s)`,
      `≥ ${TARGETS.deliveredPerSecond}`,
      mark(r.deliveredPerSecond >= TARGETS.deliveredPerSecond),
    ]);
    rows.push([
      '  ratio to raw nodemailer',
      f2(ratio),
      `≥ ${TARGETS.ratioToRawNodemailer}`,
      Number.isFinite(ratio) ? mark(ratio >= TARGETS.ratioToRawNodemailer) : '',
    ]);
    if (r.webhook) {
      rows.push([
        `  with a webhook endpoint (${r.webhook.mode})`,
        `${f0(r.webhook.received)} webhook requests during the drain`,
        '',
        '',
      ]);
    }
    const peak = Math.max(...r.workerPeakRssMb);
    rows.push(['  worker peak RSS', `${f1(peak)} MB`, `≤ ${TARGETS.rssMb} MB`, mark(peak <= TARGETS.rssMb)]);
    rows.push(...cpuRows(r.cpu));
  }
  if (soak) {
    rows.push([
      `Soak ${f0(soak.rate)} req/s × ${f0(soak.durationS)} s`,
      `p50 ${f1(soak.load.latencyMs.p50)} / p99 ${f1(soak.load.latencyMs.p99)} ms; ${f0(soak.drain.delivered)} delivered`,
      '',
      '',
    ]);
    for (const [name, m] of [
      ['API', soak.api],
      ['worker', soak.worker],
    ] as const) {
      rows.push([
        `  ${name} RSS slope after ${soak.warmupS} s`,
        `${f2(m.slopeMbPerMin)} MB/min (${f1(m.firstMb)} → ${f1(m.lastMb)} MB, peak ${f1(m.peakMb)})`,
        `slope ≤ ${TARGETS.soakSlopeMbPerMin}, peak ≤ ${TARGETS.rssMb} MB`,
        mark(m.slopeMbPerMin <= TARGETS.soakSlopeMbPerMin && m.peakMb <= TARGETS.rssMb),
      ]);
    }
  }
  return rows;
}

export function formatTable(rows: Row[]): string {
  const header: Row = ['Measure', 'Result', 'Target', ''];
  // The CPU lines are long; they do not widen the columns of the other rows.
  const all = [header, ...rows.filter((r) => !isNote(r))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: Row) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
