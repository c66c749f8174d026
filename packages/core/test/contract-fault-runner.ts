// Each contract suite must be able to fail: the contract-*-catches-faults tests run each suite
// against implementations broken on purpose, through a recording `it`, and the case guarding that
// behaviour must report a failure. These are the helpers they share.
import { type CaseResult, type ContractIt, createCaseRecorder } from '@notify/email-core/testing';
import { expect } from 'vitest';

/** Registers a suite's cases on a recording `it` and runs them all, one after another. */
export async function runSuite(register: (it: ContractIt) => void): Promise<CaseResult[]> {
  const recorder = createCaseRecorder();
  register(recorder.it);
  return recorder.run();
}

/** The outcome of the one case whose title contains `fragment` (fails unless exactly one does). */
export function outcomeOf(results: CaseResult[], fragment: string): CaseResult['outcome'] {
  const matching = results.filter((r) => r.name.includes(fragment));
  expect(matching, `exactly one case named like "${fragment}"`).toHaveLength(1);
  return matching[0]!.outcome;
}
