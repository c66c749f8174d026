import type { ContractIt } from './contract-runner.js';

export interface CaseResult {
  name: string;
  outcome: 'passed' | 'failed' | 'skipped';
  /** The assertion or error a failed case threw. */
  error?: unknown;
}

export interface CaseRecorder {
  /** Pass this to a contract suite in place of a runner's `it`. */
  it: ContractIt;
  /** Runs the registered cases one after another and reports each. */
  run(): Promise<CaseResult[]>;
}

/**
 * A stand-in `it` that records cases instead of handing them to a runner. It lets a test run a
 * contract suite against a deliberately broken implementation and assert that the suite
 * notices, and lets a script run a suite without any test framework.
 */
export function createCaseRecorder(): CaseRecorder {
  const cases: Array<{ name: string; fn?: () => Promise<void>; skipped: boolean }> = [];
  const it = Object.assign(
    (name: string, fn: () => Promise<void>) => {
      cases.push({ name, fn, skipped: false });
    },
    {
      skip: (name: string, fn?: () => Promise<void>) => {
        cases.push({ name, skipped: true, ...(fn ? { fn } : {}) });
      },
    },
  );
  return {
    it,
    async run() {
      const results: CaseResult[] = [];
      for (const c of cases) {
        if (c.skipped || !c.fn) {
          results.push({ name: c.name, outcome: 'skipped' });
          continue;
        }
        try {
          await c.fn();
          results.push({ name: c.name, outcome: 'passed' });
        } catch (error) {
          results.push({ name: c.name, outcome: 'failed', error });
        }
      }
      return results;
    },
  };
}
