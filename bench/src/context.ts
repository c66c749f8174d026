import type { BenchOptions } from './options.js';
import type { Managed } from './processes.js';

/** What every scenario of one run shares. */
export interface RunContext {
  options: BenchOptions;
  /** bench/results/<stamp>/: process logs and CPU profiles of this run. */
  runDir: string;
  sink: { port: number; helper: Managed; count(): Promise<SinkCount> };
  /** Anything that makes the figures invalid (errors, lost messages); non-empty = exit code 1. */
  problems: string[];
  log(line: string): void;
}

export interface SinkCount {
  messages: number;
  bytes: number;
  sessions: number;
}
