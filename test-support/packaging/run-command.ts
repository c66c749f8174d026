import { spawn } from 'node:child_process';

/**
 * Runs a command the way a reader of a README would type it, and collects what it printed. Used by
 * the examples' tests (each runs its example exactly as its README says) and the packaging test.
 */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Added to (and overriding) the test's own environment. */
  env?: Record<string, string | undefined>;
  /** Killed (SIGKILL) after this long; default 120 s. */
  timeoutMs?: number;
}

export function runCommand(command: string, args: string[], options: RunOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
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
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
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

/** The JSON after `RESULT ` on the last such line, which every example prints when it is done. */
export function resultOf(output: CommandResult): Record<string, unknown> {
  const line = output.stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('RESULT '));
  if (line === undefined) {
    throw new Error(
      `no RESULT line (exit ${output.code})\n--- stdout\n${output.stdout}\n--- stderr\n${output.stderr}`,
    );
  }
  return JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>;
}
