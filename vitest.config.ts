import net from 'node:net';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the `source` export condition),
// so tests never run against a stale dist.
const conditions = ['source', 'import', 'module', 'node', 'default'];
// Vitest hands the SSR conditions to Node as `--conditions` for externalised dependencies, where
// `import` would make `require()` pick a package's ESM entry (pg requiring pg-pool then breaks).
// Node adds `import`/`require` by itself, so the SSR list leaves them out.
const ssrConditions = ['source', 'module', 'node', 'default'];

/** Test files that need a real service on loopback, by glob. */
const SERVICE_SUITES: Record<string, { port: number; globs: string[] }> = {
  PostgreSQL: { port: 5432, globs: ['packages/adapter-postgres/test/**/*.test.ts'] },
  RabbitMQ: { port: 5672, globs: ['packages/adapter-amqp/test/**/*.test.ts'] },
  Redis: { port: 6379, globs: ['packages/adapter-redis/test/**/*.test.ts'] },
  // test-support/postfix/setup.sh; its plain listener.
  Postfix: { port: 2525, globs: ['packages/*/test/**/*.postfix.test.ts'] },
};
/** Suites that need the whole stack (PostgreSQL and RabbitMQ). */
const STACK_GLOBS = [
  'packages/*/test/**/*.stack.test.ts',
  'examples/*/test/**/*.stack.test.ts',
  'checks/**/*.stack.test.ts',
];

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export default defineConfig(async () => {
  // On a developer machine without the services, their suites are left out and said so loudly;
  // in CI (CI=true) a missing service is an error, never a silent skip.
  const exclude: string[] = [];
  const missing: string[] = [];
  for (const [name, { port, globs }] of Object.entries(SERVICE_SUITES)) {
    if (!(await reachable(port))) {
      missing.push(`${name} (127.0.0.1:${port})`);
      exclude.push(...globs);
    }
  }
  if (missing.length > 0) {
    exclude.push(...STACK_GLOBS);
    const text = `Not reachable: ${missing.join(', ')}.`;
    if (process.env.CI) throw new Error(`${text} CI needs every service; .ci/run starts them.`);
    console.warn(`\n!! ${text}\n!! Their integration suites are NOT run: ${exclude.join(' ')}\n`);
  }
  return {
    resolve: { conditions },
    ssr: { resolve: { conditions: ssrConditions, externalConditions: ['source'] } },
    test: {
      // checks/: the repository's own rules (dependency boundaries, comment references).
      include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'checks/**/*.test.ts'],
      exclude: ['**/node_modules/**', '**/dist/**', ...exclude],
      testTimeout: 20_000,
      hookTimeout: 60_000,
      pool: 'forks',
      // `pnpm coverage`: what the tests exercise of the published code, in-process only (the bins
      // the process tests spawn are not instrumented). The summary goes to the terminal (CI's log),
      // the per-file HTML report into coverage/ (git-ignored).
      coverage: {
        // .ci/run sets NOTIFY_COVERAGE=1 around the README's own test command.
        enabled: process.env.NOTIFY_COVERAGE === '1',
        provider: 'v8',
        include: ['packages/*/src/**/*.ts'],
        reporter: ['text-summary', 'html'],
        reportsDirectory: 'coverage',
        // A failing run still shows what it covered.
        reportOnFailure: true,
      },
    },
  };
});
