import assert from 'node:assert/strict';
import { type ErrorCode, NotifyError } from '../domain/errors.js';

/**
 * The part of a test runner's `it` a contract suite uses. vitest's, node:test's, mocha's and
 * jest's `it` all fit, so the suites never import a runner.
 */
export interface ContractIt {
  (name: string, fn: () => Promise<void>): void;
  skip(name: string, fn?: () => Promise<void>): void;
}

/** What every harness has: the port under test, and how to tear the backend down. */
export interface BaseHarness<Subject> {
  /** The implementation under test, freshly made for this one test. */
  subject: Subject;
  /** Releases what the harness made (connections, databases, servers). Called after every test. */
  cleanup?(): Promise<void>;
}

/**
 * Capabilities a backend declares it lacks, each with the reason a reader of the test report
 * will see. Only a declared lack skips a case; nothing is skipped silently.
 */
export type Lacks<Capability extends string> = Partial<Record<Capability, string>>;

/** Makes a fresh harness for each case and always cleans it up, even when the case fails. */
export async function withHarness<H extends BaseHarness<unknown>>(
  make: () => Promise<H>,
  body: (harness: H) => Promise<void>,
): Promise<void> {
  const harness = await make();
  try {
    await body(harness);
  } finally {
    await harness.cleanup?.();
  }
}

/**
 * Registers `fn` under `name`, or, when the backend declared it lacks `capability`, registers a
 * skipped case whose title carries the declared reason.
 */
export function caseNeeding<C extends string>(
  it: ContractIt,
  lacks: Lacks<C>,
  capability: C,
  name: string,
  fn: () => Promise<void>,
): void {
  const reason = lacks[capability];
  if (reason === undefined) it(name, fn);
  else it.skip(`${name} (skipped: backend lacks ${capability}: ${reason})`, fn);
}

/** Polls until `read` returns a value `done` accepts; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 5000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Asserts `promise` rejects with a NotifyError whose code is one of `codes`; returns the error. */
export async function rejectsWithNotifyError(
  promise: Promise<unknown>,
  codes: ErrorCode | ErrorCode[],
  what: string,
): Promise<NotifyError> {
  const expected = Array.isArray(codes) ? codes : [codes];
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `${what}: expected a rejection, but it resolved`);
  assert.ok(NotifyError.is(caught), `${what}: expected a NotifyError, got ${describe(caught)}`);
  assert.ok(
    expected.includes(caught.code),
    `${what}: expected code ${expected.join(' or ')}, got ${caught.code} (${caught.message})`,
  );
  return caught;
}

/** A unique prefix per case, so suites can share a database, broker or Redis with other runs. */
export function uniqueId(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return String(value);
}
