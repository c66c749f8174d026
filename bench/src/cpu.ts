/**
 * CPU time each party spends during a drain, from /proc: what a delivered message costs where,
 * and which party (or the whole machine) is the bound when a target is missed.
 *
 * A snapshot is taken right before the worker (or raw sender) processes are started and another
 * right when the drain ends, before they are stopped. Per process, the CPU time is utime + stime
 * of /proc/<pid>/stat (all its threads, in clock ticks); the machine's comes from /proc/stat.
 * This kernel samples CPU time per tick (CONFIG_TICK_CPU_ACCOUNTING, no IRQ time accounting): a
 * tick that falls in softirq work (loopback TCP, mostly) is charged to the process it interrupted,
 * in ksoftirqd or in the idle task it is charged to no party and lands in `other`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second of /proc's times (USER_HZ; 100 on this machine, and on nearly every Linux). */
const TICKS_PER_SECOND: number = (() => {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

/**
 * The shared services, found by /proc/<pid>/comm: every PostgreSQL process, every Erlang VM (a
 * `rabbitmqctl` is an Erlang VM too; the harness runs none during a drain).
 */
const SERVICE_COMMS = { postgresql: 'postgres', rabbitmq: 'beam.smp' } as const;
type Service = keyof typeof SERVICE_COMMS;

interface ProcessCpuTicks {
  comm: string;
  /** Field 22 of /proc/<pid>/stat (ticks after boot): tells a reused pid from the process seen before. */
  startedAtTicks: number;
  /** utime + stime (fields 14 and 15), all threads of the process. */
  cpuTicks: number;
}

export interface CpuSnapshot {
  /** performance.now() when it was taken. */
  atMs: number;
  /** user + nice + system + irq + softirq + steal of /proc/stat's `cpu` line, all cores. */
  machineBusyTicks: number;
  /** busy + idle + iowait (guest time is already inside user and nice). */
  machineTotalTicks: number;
  byPid: Map<number, ProcessCpuTicks>;
}

function readProcessCpu(pid: number): ProcessCpuTicks | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The comm (field 2) is in parentheses and may hold spaces; count fields after the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' '); // fields[0] is field 3 (state)
    return {
      comm,
      cpuTicks: Number(fields[14 - 3]) + Number(fields[15 - 3]),
      startedAtTicks: Number(fields[22 - 3]),
    };
  } catch {
    return undefined; // the process is gone
  }
}

function pidsWithComm(comms: readonly string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (comms.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) pids.push(Number(entry));
    } catch {
      // gone between readdir and read
    }
  }
  return pids;
}

/**
 * CPU ticks so far of every PostgreSQL and RabbitMQ process, of `pids` (the SMTP peer, the
 * workers) and of the machine. Undefined where there is no /proc (the figures are Linux-only).
 */
export function takeCpuSnapshot(pids: number[]): CpuSnapshot | undefined {
  let cpuLine: number[];
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    cpuLine = first.trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return undefined;
  }
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpuLine;
  const machineBusyTicks = user + nice + system + irq + softirq + steal;
  const byPid = new Map<number, ProcessCpuTicks>();
  for (const pid of [...pids, ...pidsWithComm(Object.values(SERVICE_COMMS))]) {
    const cpu = readProcessCpu(pid);
    if (cpu) byPid.set(pid, cpu);
  }
  return {
    atMs: performance.now(),
    machineBusyTicks,
    machineTotalTicks: machineBusyTicks + idle + iowait,
    byPid,
  };
}

/** One figure per party, in display order: the clients, then the services, then the rest. */
export interface CpuByParty {
  /** The worker processes (e2e) or the raw nodemailer senders (raw), summed. */
  clients: number;
  postgresql: number;
  rabbitmq: number;
  smtpPeer: number;
  /**
   * machine − the parties above: the harness, kernel threads (ksoftirqd: softirq work charged to
   * no party), processes that exited in the window, anything else running.
   */
  other: number;
  /** Every core's busy time. */
  machine: number;
}

export interface CpuCost {
  /** What `clients` holds: 'workers' or 'raw senders'. */
  clientsAre: string;
  /** Seconds between the two snapshots (includes the clients' start-up and the last poll's wait). */
  windowS: number;
  /** CPU seconds used in the window. */
  cpuSeconds: CpuByParty;
  /** CPU milliseconds per delivered (e2e) or sent (raw) message. */
  perMessageMs: CpuByParty;
  /** CPU seconds ÷ window seconds × 100: 100 is one core busy all the window (the machine has `cores`). */
  coreSharePct: CpuByParty;
  /** Busy share of all cores in the window, from /proc/stat. */
  machineBusyPct: number;
  cores: number;
  /** PostgreSQL and RabbitMQ processes counted (0 = not running on this machine, or not visible). */
  processesCounted: { postgresql: number; rabbitmq: number };
}

/**
 * Ticks a process used between the snapshots. A pid seen only at the end (or reused) started in
 * the window, so all its time counts. A pid seen only at the start exited in the window (a
 * PostgreSQL backend that disconnected): what it used is gone with it, so it adds nothing to its
 * party; the machine's counters did see that time, so it lands in `other`.
 */
function ticksInWindow(before: CpuSnapshot, after: CpuSnapshot, pid: number): number {
  const end = after.byPid.get(pid);
  if (!end) return 0;
  const start = before.byPid.get(pid);
  if (!start || start.startedAtTicks !== end.startedAtTicks) return end.cpuTicks;
  return end.cpuTicks - start.cpuTicks;
}

export function cpuCost(options: {
  before: CpuSnapshot | undefined;
  after: CpuSnapshot | undefined;
  clientsAre: string;
  clientPids: number[];
  smtpPeerPid: number;
  /** Delivered (e2e) or sent (raw) in the window. */
  messages: number;
}): CpuCost | undefined {
  const { before, after, clientPids, smtpPeerPid, messages } = options;
  if (!before || !after) return undefined;
  const seconds = (pids: number[]) =>
    pids.reduce((sum, pid) => sum + ticksInWindow(before, after, pid), 0) / TICKS_PER_SECOND;
  const servicePids = (service: Service) =>
    [...after.byPid].filter(([, p]) => p.comm === SERVICE_COMMS[service]).map(([pid]) => pid);
  const postgresPids = servicePids('postgresql');
  const rabbitmqPids = servicePids('rabbitmq');
  const machineTotalTicks = after.machineTotalTicks - before.machineTotalTicks;
  const machineBusyTicks = after.machineBusyTicks - before.machineBusyTicks;
  const parties = {
    clients: seconds(clientPids),
    postgresql: seconds(postgresPids),
    rabbitmq: seconds(rabbitmqPids),
    smtpPeer: seconds([smtpPeerPid]),
  };
  const machine = machineBusyTicks / TICKS_PER_SECOND;
  const listed = parties.clients + parties.postgresql + parties.rabbitmq + parties.smtpPeer;
  const cpuSeconds: CpuByParty = { ...parties, other: machine - listed, machine };
  const windowS = (after.atMs - before.atMs) / 1000;
  // Three decimals are more than tick-based figures carry.
  const r3 = (n: number) => Math.round(n * 1000) / 1000;
  const map = (f: (s: number) => number): CpuByParty => ({
    clients: r3(f(cpuSeconds.clients)),
    postgresql: r3(f(cpuSeconds.postgresql)),
    rabbitmq: r3(f(cpuSeconds.rabbitmq)),
    smtpPeer: r3(f(cpuSeconds.smtpPeer)),
    other: r3(f(cpuSeconds.other)),
    machine: r3(f(cpuSeconds.machine)),
  });
  return {
    clientsAre: options.clientsAre,
    windowS: r3(windowS),
    cpuSeconds: map((s) => s),
    perMessageMs: map((s) => (messages > 0 ? (s * 1000) / messages : Number.NaN)),
    coreSharePct: map((s) => (windowS > 0 ? (s / windowS) * 100 : Number.NaN)),
    machineBusyPct: machineTotalTicks > 0 ? r3((machineBusyTicks / machineTotalTicks) * 100) : Number.NaN,
    cores: cpus().length,
    processesCounted: { postgresql: postgresPids.length, rabbitmq: rabbitmqPids.length },
  };
}

const round = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** `workers 0.95, PostgreSQL 0.62, RabbitMQ 0.14, SMTP peer 0.19, other 0.05` (machine last, apart). */
function byPartyText(cost: CpuCost, figures: CpuByParty, digits: number, unit = ''): string {
  const parts: Array<[string, number]> = [
    [cost.clientsAre, figures.clients],
    ['PostgreSQL', figures.postgresql],
    ['RabbitMQ', figures.rabbitmq],
    ['SMTP peer', figures.smtpPeer],
    ['other', figures.other],
  ];
  return parts.map(([name, n]) => `${name} ${round(n, digits)}${unit}`).join(', ');
}

/** The two table lines under a run: CPU per message, and each party's share of one core. */
export function cpuTableLines(cost: CpuCost): string[] {
  return [
    `  CPU ms/message: ${byPartyText(cost, cost.perMessageMs, 2)}; machine ${round(cost.perMessageMs.machine, 2)}`,
    `  CPU % of one core: ${byPartyText(cost, cost.coreSharePct, 0, ' %')}; machine ${round(cost.machineBusyPct, 0)} % of ${cost.cores} cores busy (over ${round(cost.windowS, 1)} s)`,
  ];
}
