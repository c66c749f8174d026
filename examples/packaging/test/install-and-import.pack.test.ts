import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackagesBuilt, repoRoot } from '../../../test-support/packaging/built-packages.js';
import { runCommand } from '../../../test-support/packaging/run-command.js';
import {
  createScratchProject,
  packAll,
  publishablePackages,
  tarballFiles,
  tarballManifest,
  type WorkspacePackage,
} from '../../../test-support/packaging/scratch-project.js';

/** Each entry point and a few names it must export. */
const ENTRY_POINTS: Record<string, string[]> = {
  '@notify/email-core': [
    'createEmailEngine',
    'NotifyError',
    'InMemoryNotificationStore',
    'InMemoryNotificationQueue',
    'parseAcceptBody',
    'defaultTemplatesDir',
    'coreModule',
  ],
  '@notify/email-core/testing': [
    'mailTransportContract',
    'notificationStoreContract',
    'notificationStoreClaimContract',
    'createCaseRecorder',
    'ControllableNotificationQueue',
    'ControllableMailTransport',
    'ManualClock',
  ],
  '@notify/adapter-postgres': ['createPostgresStore', 'migrate', 'postgresStoreModule'],
  '@notify/adapter-amqp': ['createAmqpQueue', 'amqpQueueModule'],
  '@notify/adapter-smtp': ['createSmtpTransport', 'createEmlFileTransport', 'smtpTransportModule'],
  '@notify/adapter-redis': ['createRedisRateLimiter', 'redisRateLimiterModule'],
  '@notify/adapter-http': ['createHttpTemplateSource', 'createWebhookNotifier', 'verifyWebhookSignature'],
  '@notify/host-koa': ['createApp', 'startHttpServer'],
  '@notify/host-worker': ['startWorker'],
  '@notify/service': ['loadConfig', 'composeService', 'createLogger', 'runHttpService'],
};

/** Run inside the scratch project: plain Node, no workspace, no `source` condition. */
const IMPORT_CHECK = `
const entries = ${JSON.stringify(Object.keys(ENTRY_POINTS))};
const exported = {};
for (const entry of entries) exported[entry] = Object.keys(await import(entry));

// More than names: the built core runs a notification end to end in memory, on its shipped templates,
import * as core from '@notify/email-core';
const queue = new core.InMemoryNotificationQueue();
const transport = new core.InMemoryMailTransport();
const engine = core.createEmailEngine(
  { store: new core.InMemoryNotificationStore(), queue, transport,
    templates: new core.DirectoryTemplateSource(core.defaultTemplatesDir()) },
  { from: 'noreply@example.com' });
engine.startRelay();
const consumer = await queue.consume((m) => engine.processNotification(m).then(() => {}), { concurrency: 1 });
await engine.acceptNotification({ correlationId: 'c', body: { notification_type: 'email', user_id: 'u',
  template_code: 'welcome_email', request_id: 'r1',
  variables: { email: 'ann@example.com', name: 'Ann', link: 'https://example.com' } } });
let status;
for (let i = 0; i < 100 && status !== 'delivered'; i++) {
  await new Promise((r) => setTimeout(r, 20));
  status = (await engine.getNotification('r1')).status;
}
await consumer.stop();
await engine.stop();

// and the built HTTP app serves its OpenAPI document.
const { createApp, startHttpServer } = await import('@notify/host-koa');
const { createLogger } = await import('@notify/service');
const server = await startHttpServer(createApp({ engine, logger: createLogger({ level: 'silent' }) }), { port: 0, host: '127.0.0.1' });
const openapi = await (await fetch('http://127.0.0.1:' + server.port + '/openapi.json')).json();
await server.close();

console.log(JSON.stringify({ exported, status, subject: transport.sent[0]?.subject, openapi: openapi.openapi,
  paths: Object.keys(openapi.paths).length }));
`;

/** Type-checked against the packed `.d.ts` files with NodeNext resolution, as a TS user would. */
const TYPE_CHECK = `
import { createEmailEngine, type EmailEngine, NotifyError, type NotificationView } from '@notify/email-core';
import { mailTransportContract } from '@notify/email-core/testing';
import { createPostgresStore } from '@notify/adapter-postgres';
import { createAmqpQueue } from '@notify/adapter-amqp';
import { createSmtpTransport } from '@notify/adapter-smtp';
import { createRedisRateLimiter } from '@notify/adapter-redis';
import { createHttpTemplateSource } from '@notify/adapter-http';
import { createApp } from '@notify/host-koa';
import { startWorker } from '@notify/host-worker';
import { loadConfig } from '@notify/service';

export function build(): EmailEngine {
  return createEmailEngine(
    {
      store: createPostgresStore({ connectionString: 'postgres://x' }),
      queue: createAmqpQueue({ url: 'amqp://x' }),
      transport: createSmtpTransport({ host: 'smtp.example.com' }),
      templates: createHttpTemplateSource({ baseUrl: 'http://templates' }),
    },
    { from: 'noreply@example.com', maxRetries: 5 },
  );
}
export const pieces = [mailTransportContract, createRedisRateLimiter, createApp, startWorker, loadConfig];
export const view = (v: NotificationView): string => v.status;
export const isError = (e: unknown): boolean => NotifyError.is(e) && e.code === 'VALIDATION_FAILED';
`;

describe('the packed packages install and import outside the workspace', () => {
  const tarballDir = join(tmpdir(), `notify-pack-${process.pid}-${Date.now().toString(36)}`);
  let packages: WorkspacePackage[];
  let tarballs: Record<string, string>;
  let project: string;

  beforeAll(async () => {
    await ensurePackagesBuilt();
    packages = publishablePackages();
    tarballs = await packAll(packages, tarballDir);
    project = await createScratchProject(tarballs);
  }, 600_000);
  afterAll(async () => {
    await rm(tarballDir, { recursive: true, force: true });
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('packs every package with its built entry points and declarations, and no tests', () => {
    expect(packages.map((p) => p.name).sort()).toEqual(
      Object.keys(ENTRY_POINTS)
        .filter((e) => !e.endsWith('/testing'))
        .sort(),
    );
    for (const pkg of packages) {
      const files = tarballFiles(tarballs[pkg.name] as string);
      expect(files, pkg.name).toContain('dist/index.js');
      expect(files, pkg.name).toContain('dist/index.d.ts');
      expect(files, pkg.name).toContain('package.json');
      expect(
        files.filter((f) => f.startsWith('test/')),
        pkg.name,
      ).toEqual([]);
    }
    for (const pkg of packages) {
      // The workspace-only `source` condition (TypeScript sources) must not be published.
      const published = JSON.stringify(tarballManifest(tarballs[pkg.name] as string).exports);
      expect(published, pkg.name).not.toContain('"source"');
      expect(published, pkg.name).toContain('./dist/index.js');
    }
    expect(tarballFiles(tarballs['@notify/email-core'] as string)).toContain(
      'templates/welcome_email/html.hbs',
    );
    expect(tarballFiles(tarballs['@notify/adapter-postgres'] as string)).toContain(
      'migrations/0001_create_notifications.sql',
    );
  });

  // One attw process per package, a few seconds each: the default 20 s was too tight on a loaded machine.
  it('passes publint (strict) and @arethetypeswrong/cli (esm-only) on each tarball', async () => {
    const attw = join(repoRoot, 'node_modules/@arethetypeswrong/cli/dist/index.js');
    for (const pkg of packages) {
      const tarball = tarballs[pkg.name] as string;
      const bytes = await readFile(tarball);
      // No pkgDir: publint then lints the tarball's own root, i.e. exactly what was packed.
      const lint = await publint({
        pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
        strict: true,
      });
      const manifest = JSON.parse(await readFile(join(pkg.dir, 'package.json'), 'utf8'));
      expect(
        lint.messages.map((m) => `${m.type}: ${formatMessage(m, manifest)}`),
        pkg.name,
      ).toEqual([]);
      const types = await runCommand(
        process.execPath,
        [attw, tarball, '--profile', 'esm-only', '--format', 'ascii'],
        {
          cwd: pkg.dir,
          timeoutMs: 60_000,
        },
      );
      expect(types.code, `${pkg.name}\n${types.stdout}\n${types.stderr}`).toBe(0);
    }
  }, 120_000);

  it('imports every entry point with plain Node, and the built code runs', async () => {
    await writeFile(join(project, 'check.mjs'), IMPORT_CHECK);
    const output = await runCommand(process.execPath, ['check.mjs'], { cwd: project, timeoutMs: 60_000 });
    expect(output.code, output.stderr).toBe(0);
    const result = JSON.parse(output.stdout.trim().split('\n').pop() as string);
    for (const [entry, names] of Object.entries(ENTRY_POINTS)) {
      expect(result.exported[entry], entry).toEqual(expect.arrayContaining(names));
    }
    expect(result.status).toBe('delivered');
    expect(result.subject).toBe('Welcome, Ann!');
    expect(result.openapi).toBe('3.1.0');
    expect(result.paths).toBeGreaterThanOrEqual(6);
  });

  it('links the bins of the stock processes', async () => {
    const output = await runCommand('npm', ['exec', '--offline', '--', 'notify-worker'], {
      cwd: project,
      timeoutMs: 30_000,
      env: { DATABASE_URL: undefined, RABBITMQ_URL: undefined, RABBITMQ_HOST: undefined },
    });
    // A worker needs PostgreSQL and RabbitMQ: it must start, read its configuration and refuse clearly.
    expect(output.code).toBe(1);
    expect(output.stderr).toMatch(/DATABASE_URL/);
  });

  it("runs the README's embedding example as written and prints what the README says", async () => {
    const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Embedding the core'));
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    const printed = /```text\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code, 'the README has a js block under "Embedding the core"').toBeDefined();
    await writeFile(join(project, 'embed.mjs'), code as string);
    const output = await runCommand(process.execPath, ['embed.mjs'], { cwd: project, timeoutMs: 60_000 });
    expect(output.code, output.stderr).toBe(0);
    expect(output.stdout).toBe(printed);
  });

  it('answers --help on every bin with its usage and exit 0', async () => {
    const bins = Object.keys(tarballManifest(tarballs['@notify/service'] as string).bin ?? {});
    expect(bins.sort()).toEqual([
      'notify-api',
      'notify-dead-letters',
      'notify-migrate',
      'notify-serve',
      'notify-worker',
    ]);
    for (const bin of bins) {
      const output = await runCommand('npm', ['exec', '--offline', '--', bin, '--help'], {
        cwd: project,
        timeoutMs: 30_000,
      });
      expect(output.code, `${bin}: ${output.stderr}`).toBe(0);
      expect(output.stdout, bin).toContain(`Usage: ${bin}`);
    }
  });

  it('type-checks a TypeScript consumer against the packed declarations (NodeNext)', async () => {
    await writeFile(join(project, 'consumer.ts'), TYPE_CHECK);
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(repoRoot, 'node_modules/@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const output = await runCommand(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project });
    expect(output.code, output.stdout).toBe(0);
  });
});
