import { readFileSync } from 'node:fs';

export interface MemorySample {
  /** Date.now() of the sample */
  at: number;
  rssMb: number;
}

function readStatus(pid: number): { rssMb: number; hwmMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined; // the process is gone
  }
}

/**
 * Polls /proc/<pid>/status: VmRSS over time (for the soak's slope) and VmHWM, the kernel's own
 * high-water mark of the resident set, so a peak between two samples is not missed.
 */
export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly pid: number,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Takes a last sample (the process must still be running to count it). */
  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }

  /** Peak resident set so far, in MB (VmHWM). */
  get peakMb(): number {
    return this.peak;
  }

  private sample(): void {
    const status = readStatus(this.pid);
    if (!status) return;
    this.samples.push({ at: Date.now(), rssMb: status.rssMb });
    if (status.hwmMb > this.peak) this.peak = status.hwmMb;
  }
}

/** Least-squares slope of RSS over time, in MB per minute (0 with fewer than two samples). */
export function slopeMbPerMinute(samples: MemorySample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const t0 = samples[0]?.at ?? 0;
  const xs = samples.map((s) => (s.at - t0) / 60_000);
  const ys = samples.map((s) => s.rssMb);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
