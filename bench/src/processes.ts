import { type ChildProcess, fork, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { onCleanup } from './cleanup.js';
import { MemorySampler } from './memory.js';
import { ROOT, SERVICE_ROOT } from './paths.js';

export interface Managed {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  memory: MemorySampler;
  /** SIGTERM, wait for the exit (SIGKILL after `graceMs`); returns the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** Resolves when the log shows `marker`; rejects when the process exits first or after `timeoutMs`. */
  waitForLog(marker: string, timeoutMs?: number): Promise<void>;
}

/** A free TCP port on loopback (the OS picks; the tiny race until the child binds is acceptable here). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function manage(name: string, child: ChildProcess, logFile: string): Managed {
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const pid = child.pid;
  const memory = new MemorySampler(pid);
  memory.start();
  let stopping: Promise<number | null> | undefined;
  const managed: Managed = {
    name,
    child,
    pid,
    logFile,
    memory,
    stop(graceMs = 20_000) {
      stopping ??= (async () => {
        memory.stop();
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const code = await exited(child);
        clearTimeout(timer);
        return code;
      })();
      return stopping;
    },
    async waitForLog(marker, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = readFileSync(logFile, 'utf8');
        if (text.includes(marker)) return;
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `${name} exited (${child.exitCode ?? child.signalCode}) before "${marker}":\n${tail(text)}`,
          );
        }
        if (Date.now() > deadline)
          throw new Error(`${name} did not log "${marker}" in ${timeoutMs} ms:\n${tail(text)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
  onCleanup(`stop ${name} (pid ${pid})`, async () => {
    await managed.stop(5_000);
  });
  return managed;
}

function readLog(managed: Managed): string {
  try {
    return readFileSync(managed.logFile, 'utf8');
  } catch {
    return '';
  }
}

function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export interface StartOptions {
  name: string;
  /** Path of the script, relative to SERVICE_ROOT. */
  script: string;
  env: Record<string, string>;
  logDir: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
}

/**
 * Starts a stock bin as its own process, stdout and stderr straight into a log file (the harness
 * never sits in the path of the logs, so it cannot slow a process down by reading slowly).
 */
export function startProcess(options: StartOptions): Managed {
  const logFile = join(options.logDir, `${options.name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(SERVICE_ROOT, options.script)], {
    cwd: SERVICE_ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  return manage(options.name, child, logFile);
}

/** Starts one of the harness's own helpers (bench/dist/*.js) with an IPC channel. */
export function forkHelper(name: string, script: string, args: string[], logDir: string): Managed {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = fork(script, args, { cwd: ROOT, stdio: ['ignore', fd, fd, 'ipc'] });
  closeSync(fd);
  return manage(name, child, logFile);
}

/** Sends `message` over IPC and resolves with the first reply of the same `type`. */
export function ask<T>(helper: Managed, message: { type: string } & Record<string, unknown>): Promise<T> {
  const reply = nextMessage<T>(helper, message.type);
  helper.child.send(message);
  return reply;
}

/** The next IPC message of `type` from a helper (attach before it can arrive). */
export function nextMessage<T>(helper: Managed, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: { type: string; error?: string }) => {
      if (reply.type !== type) return;
      helper.child.off('message', onMessage);
      helper.child.off('exit', onExit);
      if (reply.error) reject(new Error(`${helper.name}: ${reply.error}`));
      else resolve(reply as T);
    };
    const onExit = (code: number | null) => {
      helper.child.off('message', onMessage);
      reject(new Error(`${helper.name} exited (${code}) before sending ${type}:\n${tail(readLog(helper))}`));
    };
    helper.child.on('message', onMessage);
    helper.child.once('exit', onExit);
  });
}
