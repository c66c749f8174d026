/** What one run measures and how hard; `--smoke` shrinks everything, flags override single values. */
export interface BenchOptions {
  mode: 'full' | 'smoke' | 'soak';
  /** Closed-loop saturation of the accept route (and of the Koa hello-world ceiling). */
  saturation: { connections: number; warmupS: number; durationS: number };
  /** Open-loop offered rates in requests per second, each held for `rateDurationS`. */
  rates: number[];
  rateDurationS: number;
  /** Quiet time between two loads, so one's after-effects (relay, autovacuum) do not leak into the next. */
  pauseMs: number;
  /** Notifications accepted with the workers stopped, then drained. */
  backlog: number;
  /** Worker process counts to drain the backlog with. */
  workerCounts: number[];
  soak: { durationS: number; rate: number; warmupS: number };
  /** Which stock process to run under `node --cpu-prof` (profiles land in the results folder). */
  profile: 'none' | 'api' | 'worker';
  /** Environment of the stock processes beyond the stack's URLs (documented in docs/configuration.md). */
  serviceEnv: Record<string, string>;
  /** Phases to run (default all of the mode): `api`, `e2e`, `raw`. */
  only: Set<string> | undefined;
  /** End to end with a webhook endpoint for every event: answering at once, or never (bench/src/webhook-receiver.ts). */
  webhook: 'none' | 'sink' | 'hang';
}

const FULL: Omit<BenchOptions, 'serviceEnv' | 'only' | 'profile' | 'mode' | 'webhook'> = {
  saturation: { connections: 50, warmupS: 3, durationS: 15 },
  rates: [100, 500, 1000],
  rateDurationS: 20,
  pauseMs: 2000,
  backlog: 20_000,
  workerCounts: [1, 2],
  soak: { durationS: 300, rate: 300, warmupS: 30 },
};

const SMOKE: typeof FULL = {
  saturation: { connections: 10, warmupS: 0.5, durationS: 2 },
  rates: [100, 500, 1000],
  rateDurationS: 1,
  pauseMs: 200,
  backlog: 300,
  workerCounts: [1, 2],
  soak: { durationS: 5, rate: 100, warmupS: 0 },
};

const USAGE = `pnpm bench [--smoke | --soak] [options]
  --smoke                 tiny sizes, exits non-zero when anything breaks (CI)
  --soak                  API + 1 worker at a steady open-loop rate; reports the RSS slope
  --build                 rebuild the packages first (otherwise only when a dist is missing)
  --only=api,e2e,raw      run only these phases
  --profile=api|worker    run that process under node --cpu-prof; prints the hottest functions
  --connections=N --duration=S --rate-duration=S --rates=100,500 --backlog=N --workers=1,2
  --soak-rate=N --soak-duration=S
  --webhook=sink|hang     end to end with a webhook endpoint for every event, answering 204 or never
  --env.NAME=VALUE        extra environment for the stock processes, e.g. --env.WORKER_CONCURRENCY=32`;

function number(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number (got ${value})`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions {
  const mode = argv.includes('--smoke') ? 'smoke' : argv.includes('--soak') ? 'soak' : 'full';
  const base = structuredClone(mode === 'smoke' ? SMOKE : FULL);
  const options: BenchOptions = {
    ...base,
    mode,
    profile: 'none',
    // The stock defaults, except the per-user rate limit: every request here comes from the one
    // user_id of the seed body, and 100/s per user would be what the benchmark measures.
    serviceEnv: { RATE_LIMIT_PER_SECOND: '0' },
    only: undefined,
    webhook: 'none',
  };
  if (mode === 'smoke') options.soak = SMOKE.soak;
  for (const arg of argv) {
    const [flag = '', value = ''] = arg.split(/=(.*)/s, 2);
    switch (flag) {
      case '--smoke':
      case '--soak':
        break;
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      case '--only':
        options.only = new Set(value.split(','));
        break;
      case '--webhook':
        if (value !== 'none' && value !== 'sink' && value !== 'hang') {
          throw new Error('--webhook must be none, sink or hang');
        }
        options.webhook = value;
        // The receiver is on loopback, which the SSRF guard refuses otherwise.
        if (value !== 'none') options.serviceEnv.WEBHOOK_ALLOW_PRIVATE_NETWORKS = 'true';
        break;
      case '--profile':
        if (value !== 'api' && value !== 'worker') throw new Error('--profile must be api or worker');
        options.profile = value;
        break;
      case '--connections':
        options.saturation.connections = number(flag, value);
        break;
      case '--duration':
        options.saturation.durationS = number(flag, value);
        break;
      case '--rate-duration':
        options.rateDurationS = number(flag, value);
        break;
      case '--rates':
        options.rates = value.split(',').map((v) => number(flag, v));
        break;
      case '--backlog':
        options.backlog = number(flag, value);
        break;
      case '--workers':
        options.workerCounts = value.split(',').map((v) => number(flag, v));
        break;
      case '--soak-rate':
        options.soak.rate = number(flag, value);
        break;
      case '--soak-duration':
        options.soak.durationS = number(flag, value);
        break;
      default:
        if (flag.startsWith('--env.')) {
          options.serviceEnv[flag.slice('--env.'.length)] = value;
          break;
        }
        throw new Error(`Unknown option ${arg}\n${USAGE}`);
    }
  }
  return options;
}

/** Whether a phase runs in this mode (and under `--only`). */
export function runs(options: BenchOptions, phase: 'api' | 'e2e' | 'raw' | 'soak'): boolean {
  if (options.only) return options.only.has(phase);
  if (options.mode === 'soak') return phase === 'soak';
  return phase !== 'soak' || options.mode === 'smoke';
}
