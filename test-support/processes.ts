/**
 * Child processes in tests: the workspace's bins run from their TypeScript sources, either to
 * completion (a CLI, a migration, a README command) or as a long-running service whose JSON log
 * lines the test reads as they arrive.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { until } from './wait.js';

/** The esbuild loader that lets `node` run a workspace `.ts` bin directly, without a build. */
export const TS_SOURCE_LOADER = fileURLToPath(new URL('./ts-source-loader.mjs', import.meta.url));

/** Node's arguments to run `bin` (a `.ts` file) from source, workspace packages from theirs. */
export function sourceNodeArgs(bin: string, args: string[] = []): string[] {
  return ['--conditions=source', '--import', TS_SOURCE_LOADER, bin, ...args];
}

/**
 * The environment of a child: only PATH and `env`, unless `inherit` is set, so a variable of the
 * test's own environment (DATABASE_URL on a developer machine) cannot leak into a case that
 * depends on it being absent. An `undefined` value removes an inherited variable.
 */
function childEnv(env: Record<string, string | undefined>, inherit: boolean): NodeJS.ProcessEnv {
  return inherit ? { ...process.env, ...env } : { PATH: process.env.PATH ?? '', ...env };
}

/** A port free on 127.0.0.1 a moment ago, for a child process to listen on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** A `data` listener that hands `onLine` each complete, non-blank line of a UTF-8 stream. */
export function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let partial = '';
  return (chunk) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) if (line.trim() !== '') onLine(line);
  };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunToExitOptions {
  cwd?: string;
  /** Variables for the child; see `inheritEnv`. */
  env?: Record<string, string | undefined>;
  /** Start from the test's own environment instead of PATH alone (default false). */
  inheritEnv?: boolean;
  /** Killed (SIGKILL), and the run rejected, after this long; default 120 s. */
  timeoutMs?: number;
}

/** Runs a command until it exits and its output is closed, and resolves with what it printed. */
export function runToExit(
  command: string,
  args: string[],
  options: RunToExitOptions = {},
): Promise<Finished> {
  const { cwd, env = {}, inheritEnv = false, timeoutMs = 120_000 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: childEnv(env, inheritEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    // A command must end by itself: a pool or a connection left open would hang it here.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${command} ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr: ${stderr}`),
      );
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running child and what it has printed so far. */
export interface RunningProcess {
  child: ChildProcess;
  /** Its stdout's lines, each parsed as JSON (the services log one JSON object a line). */
  lines: Array<Record<string, unknown>>;
  stdout: () => string;
  stderr: () => string;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

/**
 * Starts a workspace bin from its TypeScript source with only PATH and `env` in its environment.
 * A stdout line that is not JSON fails the test (as an uncaught error): the services log JSON only.
 */
export function startSourceBin(bin: string, env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, sourceNodeArgs(bin), {
    env: childEnv(env, false),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let out = '';
  let err = '';
  const parse = lineSplitter((line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    parse(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, stdout: () => out, stderr: () => err, exited };
}

const API_BIN = fileURLToPath(new URL('../packages/service/src/bin/api.ts', import.meta.url));
const WORKER_BIN = fileURLToPath(new URL('../packages/service/src/bin/worker.ts', import.meta.url));

/**
 * Starts the stock `notify-api` (on `port`, loopback) and one `notify-worker` from their sources
 * with the same environment, and resolves once both say they are ready.
 */
export async function startApiAndWorker(
  env: Record<string, string>,
  port: number,
): Promise<{ api: RunningProcess; worker: RunningProcess }> {
  const api = startSourceBin(API_BIN, { ...env, PORT: String(port), HOST: '127.0.0.1' });
  const worker = startSourceBin(WORKER_BIN, env);
  await until(
    () => {
      for (const p of [api, worker]) {
        if (p.child.exitCode !== null) throw new Error(`process exited early: ${p.stderr()}`);
      }
      return (
        api.lines.some((l) => String(l.message).startsWith('Email service listening')) &&
        worker.lines.some((l) => l.message === 'Worker ready')
      );
    },
    25_000,
    'both processes to start',
  );
  return { api, worker };
}
