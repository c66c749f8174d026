import { type Finished, runToExit } from '../processes.js';

/**
 * Runs a command the way a reader of a README would type it, and collects what it printed. Used by
 * the examples' tests (each runs its example exactly as its README says) and the packaging test.
 */
export type CommandResult = Finished;

export interface RunOptions {
  cwd: string;
  /** Added to (and overriding) the test's own environment. */
  env?: Record<string, string | undefined>;
  /** Killed (SIGKILL), and the run rejected, after this long; default 120 s. */
  timeoutMs?: number;
}

export function runCommand(command: string, args: string[], options: RunOptions): Promise<CommandResult> {
  return runToExit(command, args, { ...options, inheritEnv: true });
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
