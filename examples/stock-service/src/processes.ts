import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A bin as installed: `notify-api` of `@notify/service` is `<package>/bin/notify-api.js`. */
export function binPath(packageName: string, bin: string): string {
  const manifestPath = fileURLToPath(import.meta.resolve(`${packageName}/package.json`));
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: Record<string, string> };
  const relative = manifest.bin?.[bin];
  if (relative === undefined) throw new Error(`${packageName} has no bin ${bin}`);
  const path = join(dirname(manifestPath), relative);
  if (!existsSync(path)) {
    throw new Error(
      `${bin} is not built (${path} is missing): run \`pnpm build\` at the repository root first`,
    );
  }
  return path;
}

/** One running notify-* process and the JSON log lines it wrote. */
export interface Running {
  name: string;
  child: ChildProcess;
  logs: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Starts `node <bin>` with the service's environment variables; its logs are kept, not printed. */
export function startProcess(name: string, bin: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [bin], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ message: line });
      }
    }
  });
  // Start-up failures (an invalid configuration) are one line on stderr: show them as they come.
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => process.stderr.write(`[${name}] ${chunk}`));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, logs, exited };
}

/** Resolves with the first log line `match` accepts; rejects if the process exits or time runs out. */
export async function waitForLog(
  running: Running,
  match: (line: Record<string, unknown>) => boolean,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void running.exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    const found = running.logs.find(match);
    if (found) return found;
    if (exitCode !== undefined)
      throw new Error(`${running.name} exited with code ${exitCode} before it was ready`);
    if (Date.now() > deadline) throw new Error(`${running.name} was not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGTERM, then the exit code: the stock processes drain and exit 0 on SIGTERM. */
export async function stopProcess(running: Running): Promise<number | null> {
  if (running.child.exitCode === null) running.child.kill('SIGTERM');
  return running.exited;
}
