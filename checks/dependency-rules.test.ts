// Shows that every rule family of .dependency-cruiser.cjs bites: for each, probe files with
// deliberately wrong imports are written into real packages, the real `pnpm check:deps` runs, and
// it must fail naming the rule for each probe; the probes are removed afterwards, whatever happens.
// The clean tree passes. A rule that never fires (a path that resolves nowhere, a workspace import
// left unresolved) would let its probe through and fail here.
//
// The probes (checks/probe-files.ts) are not `*.test.ts`, so no vitest run picks them up; they
// hold no comment, so checks/comment-references.test.ts, which may run beside this file, sees
// nothing of them.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROBE, withProbeFiles } from './probe-files.js';
import { repositoryRoot } from './repository.js';

/** Each check:deps run cruises the whole workspace: seconds, more on a loaded machine. */
const RUN_TIMEOUT_MS = 120_000;

function checkDeps(): { status: number | null; output: string } {
  const result = spawnSync('pnpm', ['run', '--silent', 'check:deps'], {
    cwd: repositoryRoot,
    encoding: 'utf8',
    timeout: RUN_TIMEOUT_MS,
  });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A violation the check must report: rule, probe file and target (`<probe>` as in the files). */
interface Expected {
  rule: string;
  from: string;
  /** The resolved target; a RegExp for npm packages, whose path holds the installed version. */
  to: string | RegExp;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Writes `files` as probes, runs check:deps, and asserts it failed with every `expected` violation. */
function expectViolations(files: Record<string, string>, expected: Expected[]): void {
  const named = (path: string) => path.replaceAll('<probe>', PROBE);
  const result = withProbeFiles(files, checkDeps);
  expect(result.status, result.output).not.toBe(0);
  for (const { rule, from, to } of expected) {
    const target = typeof to === 'string' ? escapeRegExp(named(to)) : to.source;
    // err-long output: `  error <rule>: <from> → <to>` (a cycle continues on the next line).
    expect(result.output).toMatch(
      new RegExp(`error ${escapeRegExp(rule)}: ${escapeRegExp(named(from))} →\\s+${target}`),
    );
  }
}

/** The resolved path of an npm package in pnpm's store. */
const npm = (name: string) => new RegExp(`node_modules/\\.pnpm/[^ ]+/node_modules/${escapeRegExp(name)}/`);

describe('pnpm check:deps', () => {
  it('passes on the tree as it is', { timeout: RUN_TIMEOUT_MS }, () => {
    const { status, output } = checkDeps();
    expect(output).toContain('no dependency violations found');
    expect(status, output).toBe(0);
  });

  it('keeps the core off adapters, hosts, the service and I/O libraries', { timeout: RUN_TIMEOUT_MS }, () => {
    const from = 'packages/core/src/<probe>.ts';
    expectViolations(
      {
        [from]: [
          "import '@notify/adapter-postgres';",
          "import '@notify/host-koa';",
          "import '@notify/service';",
          "import 'pg';",
          "import 'nodemailer';",
        ].join('\n'),
      },
      [
        { rule: 'core-imports-no-other-package', from, to: 'packages/adapter-postgres/src/index.ts' },
        { rule: 'core-imports-no-other-package', from, to: 'packages/host-koa/src/index.ts' },
        { rule: 'core-imports-no-other-package', from, to: 'packages/service/src/index.ts' },
        { rule: 'core-imports-only-domain-libraries', from, to: npm('pg') },
        { rule: 'core-imports-only-domain-libraries', from, to: npm('nodemailer') },
      ],
    );
  });

  it('keeps an adapter on the core and its own client library', { timeout: RUN_TIMEOUT_MS }, () => {
    const from = 'packages/adapter-smtp/src/<probe>.ts';
    expectViolations(
      {
        [from]: [
          "import '@notify/adapter-postgres';",
          "import '@notify/host-worker';",
          "import '@notify/service';",
          "import 'pg';",
        ].join('\n'),
      },
      [
        { rule: 'adapter-imports-only-core', from, to: 'packages/adapter-postgres/src/index.ts' },
        { rule: 'adapter-imports-only-core', from, to: 'packages/host-worker/src/index.ts' },
        { rule: 'adapter-imports-only-core', from, to: 'packages/service/src/index.ts' },
        { rule: 'adapter-imports-only-its-libraries', from, to: npm('pg') },
      ],
    );
  });

  it('keeps a host on the core and its own libraries', { timeout: RUN_TIMEOUT_MS }, () => {
    const worker = 'packages/host-worker/src/<probe>.ts';
    const koa = 'packages/host-koa/src/<probe>.ts';
    expectViolations(
      {
        [worker]: [
          "import '@notify/host-koa';",
          "import '@notify/adapter-amqp';",
          "import '@notify/service';",
          "import 'zod';",
        ].join('\n'),
        [koa]: "import 'nodemailer';",
      },
      [
        { rule: 'host-imports-only-core', from: worker, to: 'packages/host-koa/src/index.ts' },
        { rule: 'host-imports-only-core', from: worker, to: 'packages/adapter-amqp/src/index.ts' },
        { rule: 'host-imports-only-core', from: worker, to: 'packages/service/src/index.ts' },
        { rule: 'host-imports-only-its-libraries', from: worker, to: npm('zod') },
        { rule: 'host-imports-only-its-libraries', from: koa, to: npm('nodemailer') },
      ],
    );
  });

  it('lets only the service import adapters and hosts', { timeout: RUN_TIMEOUT_MS }, () => {
    const src = 'packages/adapter-http/src/<probe>.ts';
    const test = 'packages/core/test/<probe>.ts';
    expectViolations({ [src]: "import '@notify/host-koa';", [test]: "import '@notify/adapter-redis';" }, [
      { rule: 'only-service-imports-adapters-and-hosts', from: src, to: 'packages/host-koa/src/index.ts' },
      {
        rule: 'only-service-imports-adapters-and-hosts',
        from: test,
        to: 'packages/adapter-redis/src/index.ts',
      },
    ]);
  });

  it('finds cycles', { timeout: RUN_TIMEOUT_MS }, () => {
    const a = 'packages/core/src/<probe>-a.ts';
    expectViolations(
      {
        [a]: "import { b } from './<probe>-b.js';\nexport const a = (): number => b() + 1;",
        'packages/core/src/<probe>-b.ts':
          "import { a } from './<probe>-a.js';\nexport const b = (): number => a() - 1;",
      },
      [{ rule: 'no-circular', from: a, to: 'packages/core/src/<probe>-b.ts' }],
    );
  });

  it('allows only the packages a package.json declares', { timeout: RUN_TIMEOUT_MS }, () => {
    const workspacePackage = 'examples/custom-transport/src/<probe>.ts';
    const npmPackage = 'examples/stock-service/src/<probe>.ts';
    const devDependency = 'examples/embed-core/src/<probe>.ts';
    expectViolations(
      {
        // custom-transport declares only the core.
        [workspacePackage]: "import '@notify/adapter-smtp';",
        // ioredis is installed for adapter-redis, not declared by stock-service.
        [npmPackage]: "import 'ioredis';\nimport 'no-such-package-<probe>';",
        // tsx is a devDependency of embed-core: not installed for its users.
        [devDependency]: "import 'tsx';",
      },
      [
        {
          rule: 'undeclared-workspace-dependency',
          from: workspacePackage,
          to: 'packages/adapter-smtp/src/index.ts',
        },
        { rule: 'undeclared-dependency', from: npmPackage, to: npm('ioredis') },
        { rule: 'not-to-unresolvable', from: npmPackage, to: 'no-such-package-<probe>' },
        { rule: 'production-code-imports-no-dev-dependency', from: devDependency, to: npm('tsx') },
      ],
    );
  });

  it('keeps tests on their package, its declared dependencies and test-support', {
    timeout: RUN_TIMEOUT_MS,
  }, () => {
    const core = 'packages/core/test/<probe>.ts';
    const amqp = 'packages/adapter-amqp/test/<probe>.ts';
    expectViolations(
      {
        // Only the service's tests may reuse another package's harness, and host-koa is not a
        // dependency of the core.
        [core]: "import '../../host-koa/test/http-harness.js';",
        [amqp]: [
          "import '@notify/adapter-postgres';",
          "import '../../../faults/support/ledger.js';",
          // ioredis is neither declared by adapter-amqp nor part of the root's test tooling.
          "import 'ioredis';",
        ].join('\n'),
      },
      [
        {
          rule: 'test-imports-undeclared-workspace-code',
          from: core,
          to: 'packages/host-koa/test/http-harness.ts',
        },
        {
          rule: 'test-imports-undeclared-workspace-code',
          from: amqp,
          to: 'packages/adapter-postgres/src/index.ts',
        },
        { rule: 'test-imports-undeclared-workspace-code', from: amqp, to: 'faults/support/ledger.ts' },
        { rule: 'test-imports-undeclared-dependency', from: amqp, to: npm('ioredis') },
      ],
    );
  });

  it('keeps tests out of production code and packages behind their names', {
    timeout: RUN_TIMEOUT_MS,
  }, () => {
    const postgres = 'packages/adapter-postgres/src/<probe>.ts';
    const worker = 'packages/host-worker/src/<probe>.ts';
    expectViolations(
      {
        [postgres]: "import '../../../test-support/postgres.js';\nimport '../test/fixtures.js';",
        // The core by a relative path instead of `@notify/email-core`.
        [worker]: "import '../../core/src/index.js';",
      },
      [
        { rule: 'production-code-imports-no-tests', from: postgres, to: 'test-support/postgres.ts' },
        {
          rule: 'production-code-imports-no-tests',
          from: postgres,
          to: 'packages/adapter-postgres/test/fixtures.ts',
        },
        { rule: 'cross-package-import-by-name', from: worker, to: 'packages/core/src/index.ts' },
      ],
    );
  });
});
