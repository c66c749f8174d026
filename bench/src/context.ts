import type { BenchOptions } from './options.js';
import type { Managed } from './processes.js';
import type { Stack } from './stack.js';

/** What every scenario of one run shares. */
export interface RunContext {
  options: BenchOptions;
  /** bench/results/<stamp>/: process logs and CPU profiles of this run. */
  runDir: string;
  sink: { port: number; helper: Managed; count(): Promise<SinkCount> };
  /** Anything that makes the figures invalid (errors, lost messages); non-empty = exit code 1. */
  problems: string[];
  /** The scenario's fresh database and vhost (created ahead, in parallel, at the start of the run). */
  stack(label: string): Promise<Stack>;
  log(line: string): void;
}

export interface SinkCount {
  messages: number;
  bytes: number;
  sessions: number;
}
