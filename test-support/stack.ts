/**
 * The stock service as separate OS processes, for fault tests: a fresh PostgreSQL database
 * (migrated by the real `notify-migrate` bin), a fresh RabbitMQ vhost, an in-process SMTP peer,
 * one `notify-api` process and N `notify-worker` processes, configured only through the
 * environment variables of docs/configuration.md, exactly as an operator would.
 *
 * The bins run from their TypeScript sources through the workspace's esbuild loader
 * (test-support/ts-source-loader.mjs): no build step, and a change to the core is
 * what the next process runs, which the mutation checks in docs/reliability.md rely on. Set
 * `NOTIFY_STACK_RUNTIME=dist` to run the built `dist/bin/*.js` instead (after `pnpm build`).
 *
 * PostgreSQL and RabbitMQ can be reached through cuttable TCP proxies, so an outage is staged for
 * this stack alone without stopping the servers other runs share.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, type WriteStream } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { freePort, lineSplitter, runToExit, sourceNodeArgs } from './processes.js';
import { createTestVhost, listConnections, rabbitmqctl, type TestVhost } from './rabbitmq.js';
import { type SmtpPeer, type SmtpPeerOptions, startSmtpPeer } from './smtp-peer.js';
import { type CuttableProxy, startCuttableProxy } from './tcp-proxy.js';
import { sleep, until } from './wait.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const BINS = {
  source: {
    api: join(repo, 'packages/service/src/bin/api.ts'),
    worker: join(repo, 'packages/service/src/bin/worker.ts'),
    migrate: join(repo, 'packages/service/src/bin/migrate.ts'),
  },
  dist: {
    api: join(repo, 'packages/service/dist/bin/api.js'),
    worker: join(repo, 'packages/service/dist/bin/worker.js'),
    migrate: join(repo, 'packages/service/dist/bin/migrate.js'),
  },
} as const;

const STACK_API_KEY = 'faults-key-0123456789abcdef';
/** The sender every stack uses; its domain ends every Message-ID. */
const STACK_FROM = 'Notify <noreply@faults.test>';

export interface StackOptions {
  /** Worker processes (default 2). */
  workers?: number;
  /** Extra variables for every process (short timings, breaker settings, ...). */
  env?: Record<string, string>;
  apiEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
  /** Every process reaches PostgreSQL through one cuttable proxy (`stack.postgresProxy`). */
  proxyPostgres?: boolean;
  /** Only the API reaches RabbitMQ through a cuttable proxy (`stack.apiBrokerProxy`). */
  proxyApiBroker?: boolean;
  /** Start a status-callback receiver and point STATUS_CALLBACK_URL at it. */
  callbacks?: boolean;
  smtp?: SmtpPeerOptions;
  /**
   * Send a few notifications before handing the stack over, until every worker has delivered
   * one (default true): a cold process's first send (module loading, JIT, the SMTP pool's first
   * connections) is many times slower than the rest and would skew a scenario's first seconds.
   */
  warmUp?: boolean;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the signal to the exit. */
  ms: number;
}

export type LogLine = Record<string, unknown> & { message?: string; level?: string };

/** One stock process; survives restarts (same name, same port for the API, a new pid). */
export interface StackProcess {
  readonly name: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Parsed JSON log lines of every incarnation so far. */
  readonly lines: LogLine[];
  /** Where stdout and stderr of every incarnation are appended. */
  readonly logFile: string;
  /** SIGKILL: no handler runs, nothing is flushed. */
  kill9(): Promise<ExitInfo>;
  /** SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`, reported as signal SIGKILL). */
  terminate(timeoutMs?: number): Promise<ExitInfo>;
  /** Starts a new incarnation and waits until it is ready. */
  start(): Promise<void>;
  /** Resolves with the first line (of the current incarnation, or later) matching `predicate`. */
  waitForLine(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
}

export interface CallbackReceiver {
  url: string;
  /** JSON bodies POSTed so far. */
  readonly received: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface StatusRow {
  request_id: string;
  status: string;
  attempts: number;
  error: string | null;
  error_code: string | null;
  published_at: Date | null;
  history: Array<{
    attempt: number;
    at: string;
    outcome: string;
    errorCode?: string | null;
    error?: string | null;
  }>;
}

export interface Stack {
  api: StackProcess;
  workers: StackProcess[];
  smtp: SmtpPeer;
  database: TestDatabase;
  vhost: TestVhost;
  postgresProxy: CuttableProxy | undefined;
  apiBrokerProxy: CuttableProxy | undefined;
  callbacks: CallbackReceiver | undefined;
  /** `http://127.0.0.1:<port>`; the port is kept across API restarts. */
  baseUrl: string;
  /** Headers for `/api/` calls (JSON + bearer key). */
  headers: Record<string, string>;
  /** Every record of the database, read directly (never through the proxy). */
  statuses(): Promise<Map<string, StatusRow>>;
  query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Closes every AMQP connection of this stack's vhost from the broker side. Returns how many. */
  closeBrokerConnections(reason?: string): Promise<number>;
  /** Stops every process (SIGTERM, then SIGKILL), removes database and vhost, closes the peer. */
  stop(): Promise<void>;
}

function runtime(): 'source' | 'dist' {
  return process.env.NOTIFY_STACK_RUNTIME === 'dist' ? 'dist' : 'source';
}

function nodeArgs(bin: string): string[] {
  return runtime() === 'dist' ? [bin] : sourceNodeArgs(bin);
}

/** Runs a bin to completion (the migration); rejects with its output on a non-zero exit. */
async function runToEnd(bin: string, env: Record<string, string>): Promise<void> {
  const run = await runToExit(process.execPath, nodeArgs(bin), { env });
  if (run.code !== 0) throw new Error(`${bin} exited ${run.code}: ${run.stdout}${run.stderr}`);
}

interface ProcessSpec {
  name: string;
  bin: string;
  env: () => Record<string, string>;
  /** True once a log line shows the process ready. */
  ready: (line: LogLine) => boolean;
  logDir: string;
}

function stackProcess(spec: ProcessSpec): StackProcess {
  const lines: LogLine[] = [];
  const logFile = join(spec.logDir, `${spec.name}.log`);
  const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
  const listeners = new Set<(line: LogLine) => void>();
  let child: ChildProcess | undefined;
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  let incarnation = 0;

  const waitForLine = (predicate: (line: LogLine) => boolean, timeoutMs = 30_000, from = 0) =>
    new Promise<LogLine>((resolve, reject) => {
      const found = lines.slice(from).find(predicate);
      if (found) return resolve(found);
      const timer = setTimeout(() => {
        listeners.delete(listen);
        reject(new Error(`${spec.name}: no matching log line within ${timeoutMs} ms (see ${logFile})`));
      }, timeoutMs);
      const listen = (line: LogLine) => {
        if (!predicate(line)) return;
        clearTimeout(timer);
        listeners.delete(listen);
        resolve(line);
      };
      listeners.add(listen);
    });

  const stop = async (signal: NodeJS.Signals, timeoutMs: number): Promise<ExitInfo> => {
    const current = child;
    if (
      current === undefined ||
      exited === undefined ||
      current.exitCode !== null ||
      current.signalCode !== null
    ) {
      throw new Error(`${spec.name} is not running`);
    }
    const started = Date.now();
    current.kill(signal);
    const forced = setTimeout(() => current.kill('SIGKILL'), timeoutMs);
    const result = await exited;
    clearTimeout(forced);
    return { ...result, ms: Date.now() - started };
  };

  const process_: StackProcess = {
    name: spec.name,
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    lines,
    logFile,
    kill9: () => stop('SIGKILL', 5_000),
    terminate: (timeoutMs = 30_000) => stop('SIGTERM', timeoutMs),
    async start() {
      if (process_.running) throw new Error(`${spec.name} is already running`);
      incarnation += 1;
      log.write(`--- ${spec.name} incarnation ${incarnation} at ${new Date().toISOString()}\n`);
      const from = lines.length;
      const spawned = spawn(process.execPath, nodeArgs(spec.bin), {
        env: { PATH: process.env.PATH ?? '', ...spec.env() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = spawned;
      const collect = lineSplitter((text) => {
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          line = { message: text, level: 'RAW' };
        }
        lines.push(line);
        for (const listen of [...listeners]) listen(line);
      });
      spawned.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        log.write(chunk);
        collect(chunk);
      });
      spawned.stderr?.setEncoding('utf8').on('data', (chunk: string) => log.write(`[stderr] ${chunk}`));
      exited = new Promise((resolve) =>
        spawned.once('exit', (code, signal) => {
          log.write(`--- ${spec.name} exited code=${code} signal=${signal}\n`);
          resolve({ code, signal });
        }),
      );
      const died = exited.then(({ code, signal }) => {
        throw new Error(
          `${spec.name} exited during start-up (code ${code}, signal ${signal}); see ${logFile}`,
        );
      });
      await Promise.race([waitForLine(spec.ready, 30_000, from), died]);
    },
    waitForLine: (predicate, timeoutMs) => waitForLine(predicate, timeoutMs),
  };
  return process_;
}

async function startCallbackReceiver(): Promise<CallbackReceiver & { server: Server }> {
  const received: Array<Record<string, unknown>> = [];
  const server = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      try {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    server,
    url: `http://127.0.0.1:${port}/callbacks/`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function warmUp(baseUrl: string, workers: StackProcess[], smtp: SmtpPeer): Promise<void> {
  const delivered = () =>
    workers.every((w) =>
      w.lines.some((l) => l.message === 'Notification processed' && l.outcome === 'delivered'),
    );
  let i = 0;
  await until(
    async () => {
      if (delivered()) return true;
      for (let n = 0; n < 2 * workers.length; n += 1) {
        i += 1;
        const response = await fetch(`${baseUrl}/api/v1/notifications/`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${STACK_API_KEY}` },
          body: JSON.stringify({
            notification_type: 'email',
            user_id: 'warm-up',
            template_code: 'generic',
            variables: { email: 'warm-up@faults.test', subject: 'warm-up', body: 'warm-up' },
            request_id: `warm-up-${i}`,
          }),
        });
        if (response.status !== 202) throw new Error(`warm-up notification answered ${response.status}`);
      }
      await sleep(500);
      return delivered();
    },
    60_000,
    'every worker to deliver a warm-up notification',
    0,
  );
  // What the scenarios count starts empty.
  smtp.messages.length = 0;
}

/** Starts the whole stack and waits until the API answers and every worker consumes. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const bins = BINS[runtime()];
  const logDir = mkdtempSync(join(tmpdir(), 'notify-stack-'));
  const [database, vhost, smtp, apiPort, callbacks] = await Promise.all([
    createTestDatabase(),
    createTestVhost('notify-faults'),
    startSmtpPeer(options.smtp),
    freePort(),
    options.callbacks ? startCallbackReceiver() : Promise.resolve(undefined),
  ]);
  const admin = new pg.Pool({ connectionString: database.url, max: 2 });
  admin.on('error', () => {});
  const processes: StackProcess[] = [];
  let postgresProxy: CuttableProxy | undefined;
  let apiBrokerProxy: CuttableProxy | undefined;

  const stop = async () => {
    await Promise.all(
      processes.filter((p) => p.running).map((p) => p.terminate(20_000).catch(() => undefined)),
    );
    await admin.end().catch(() => {});
    await Promise.allSettled([
      database.drop(),
      vhost.remove(),
      smtp.close(),
      callbacks?.close(),
      postgresProxy?.close(),
      apiBrokerProxy?.close(),
    ]);
  };

  try {
    const dbUrl = new URL(database.url);
    if (options.proxyPostgres) {
      postgresProxy = await startCuttableProxy(Number(dbUrl.port || 5432), dbUrl.hostname);
      dbUrl.hostname = postgresProxy.host;
      dbUrl.port = String(postgresProxy.port);
    }
    const brokerUrl = new URL(vhost.url);
    const apiBrokerUrl = new URL(vhost.url);
    if (options.proxyApiBroker) {
      apiBrokerProxy = await startCuttableProxy(Number(brokerUrl.port || 5672), brokerUrl.hostname);
      apiBrokerUrl.hostname = apiBrokerProxy.host;
      apiBrokerUrl.port = String(apiBrokerProxy.port);
    }
    const common: Record<string, string> = {
      DATABASE_URL: dbUrl.toString(),
      RABBITMQ_URL: brokerUrl.toString(),
      EMAIL_HOST: smtp.host,
      EMAIL_PORT: String(smtp.port),
      EMAIL_FROM: STACK_FROM,
      LOG_LEVEL: 'info',
      ...(callbacks ? { STATUS_CALLBACK_URL: callbacks.url } : {}),
      ...options.env,
    };
    await runToEnd(bins.migrate, { DATABASE_URL: database.url });

    const api = stackProcess({
      name: 'api',
      bin: bins.api,
      logDir,
      env: () => ({
        ...common,
        RABBITMQ_URL: apiBrokerUrl.toString(),
        PORT: String(apiPort),
        HOST: '127.0.0.1',
        API_KEYS: STACK_API_KEY,
        // The fault suite sends bursts from one client; the limiter is not what it tests.
        RATE_LIMIT_PER_SECOND: '0',
        ...options.apiEnv,
      }),
      ready: (line) => String(line.message).startsWith('Email service listening'),
    });
    processes.push(api);
    const workers = Array.from({ length: options.workers ?? 2 }, (_, i) =>
      stackProcess({
        name: `worker-${i + 1}`,
        bin: bins.worker,
        logDir,
        env: () => ({ ...common, ...options.workerEnv }),
        ready: (line) => line.message === 'Worker ready',
      }),
    );
    processes.push(...workers);
    await Promise.all(processes.map((p) => p.start()));
    if (options.warmUp !== false) await warmUp(`http://127.0.0.1:${apiPort}`, workers, smtp);

    return {
      api,
      workers,
      smtp,
      database,
      vhost,
      postgresProxy,
      apiBrokerProxy,
      callbacks,
      baseUrl: `http://127.0.0.1:${apiPort}`,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${STACK_API_KEY}` },
      async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
        return (await admin.query<T>(sql, params)).rows;
      },
      async statuses() {
        const rows = (
          await admin.query<StatusRow>(
            'SELECT request_id, status, attempts, error, error_code, published_at, history FROM notifications',
          )
        ).rows;
        return new Map(rows.map((row) => [row.request_id, row]));
      },
      async closeBrokerConnections(reason = 'closed by the fault suite') {
        const mine = (await listConnections()).filter((c) => c.vhost === vhost.vhost);
        for (const connection of mine) {
          await rabbitmqctl('close_connection', connection.pid, reason).catch(() => undefined);
        }
        return mine.length;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
