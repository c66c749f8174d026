// The README's commands, read out of the README and run as written, in a fresh clone of this
// repository (its committed state) in the temp folder: the quick start's install and start, its
// curl, and the recipe for real infrastructure. The quick start's second command (install and
// test) is what .ci/run itself runs, read out of the README the same way. Only the values a test must own are swapped: the port, and the
// recipe's database, vhost and SMTP server (the README's point at a real server; here a database
// that does not exist yet, so `--create-database` is exercised, a vhost and an SMTP peer of
// this test's own).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, lineSplitter } from '../test-support/processes.js';
import { createTestVhost, type TestVhost } from '../test-support/rabbitmq.js';
import { type SmtpPeer, startSmtpPeer } from '../test-support/smtp-peer.js';
import { until } from '../test-support/wait.js';
import { repositoryRoot } from './repository.js';

const README = readFileSync(join(repositoryRoot, 'README.md'), 'utf8');
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The bash blocks of the README section under `heading`, in order. */
function bashBlocks(heading: string): string[] {
  const start = README.indexOf(`## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "${heading}"`);
  const end = README.indexOf('\n## ', start + 1);
  const section = README.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

/** The block's commands: continuation lines joined, comments and blank lines dropped. */
function commands(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

/** The JSON objects of `text`, written one after the other. */
function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
  }
  return values;
}

interface Shell {
  child: ChildProcess;
  /** Its standard output alone (what a pipe would read), and everything it printed. */
  stdout: () => string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs one command line with bash in `cwd`, in a process group of its own (so it can be stopped whole). */
function shell(line: string, cwd: string, env: NodeJS.ProcessEnv): Shell {
  const child = spawn('bash', ['-c', line], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  const keep = lineSplitter((l) => {
    output += `${l}\n`;
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    keep(chunk);
  });
  child.stderr?.setEncoding('utf8').on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, output: () => output, exited };
}

async function runToEnd(
  line: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string> {
  const run = shell(line, cwd, env);
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    run.exited,
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (code !== 0) {
    stop(run);
    throw new Error(
      `\`${line}\` ended ${code === 'timeout' ? 'by timing out' : `with ${code}`}:\n${run.output()}`,
    );
  }
  return run.stdout();
}

function stop(run: Shell, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (run.child.exitCode === null && run.child.pid !== undefined) {
    try {
      process.kill(-run.child.pid, signal);
    } catch {
      // already gone
    }
  }
}

async function stopAll(runs: Shell[]): Promise<void> {
  for (const run of runs) stop(run);
  const settled = Promise.all(runs.map((run) => run.exited));
  const late = await Promise.race([
    settled.then(() => false),
    new Promise((r) => setTimeout(() => r(true), 20_000)),
  ]);
  if (late) for (const run of runs) stop(run, 'SIGKILL');
}

describe("the README's commands, as written, in a fresh clone", () => {
  let clone: string;
  // The environment of someone at a shell: this one's PATH and home, none of its service variables.
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
  };

  beforeAll(async () => {
    clone = mkdtempSync(join(tmpdir(), 'notify-readme-'));
    await runToEnd(
      `git clone --quiet ${JSON.stringify(repositoryRoot)} ${JSON.stringify(clone)}`,
      tmpdir(),
      baseEnv,
      120_000,
    );
  }, 180_000);
  afterAll(() => {
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it('quick start: install and start, then the curl gets a 202 and the mail is written', async () => {
    const [startLine] = commands(bashBlocks('Quick start')[0] as string);
    expect(startLine).toBe('npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 start');
    const port = await freePort();
    const curl = (bashBlocks('Quick start')[1] as string).replaceAll('localhost:8000', `localhost:${port}`);
    const start = shell(startLine as string, clone, { ...baseEnv, PORT: String(port) });
    try {
      await until(
        () => {
          if (start.child.exitCode !== null) throw new Error(`start ended:\n${start.output()}`);
          return start.output().includes('Email service listening');
        },
        300_000,
        'the service to listen',
      );
      // curl prints the two answers back to back, with no line break between them.
      const [accepted, status] = jsonValues(await runToEnd(curl, clone, baseEnv, 30_000));
      expect(accepted).toMatchObject({
        success: true,
        data: { request_id: 'req-12345-67890', status: 'queued' },
      });
      expect(status).toMatchObject({ success: true, data: { request_id: 'req-12345-67890' } });
      // The folder the service printed holds the rendered mail.
      const outbox = /"outbox_dir":"([^"]+)"/.exec(start.output())?.[1] as string;
      await until(() => readdirSync(outbox).some((f) => f.endsWith('.eml')), 10_000, 'the .eml file');
      const eml = readFileSync(
        join(outbox, readdirSync(outbox).find((f) => f.endsWith('.eml')) as string),
        'utf8',
      );
      expect(eml).toContain('Subject: Welcome to Our Platform');
    } finally {
      await stopAll([start]);
    }
  }, 420_000);

  describe('the stock service on real infrastructure', () => {
    let vhost: TestVhost;
    let smtp: SmtpPeer;
    const database = `notify_readme_${Date.now().toString(36)}_${process.pid}`;

    beforeAll(async () => {
      [vhost, smtp] = await Promise.all([createTestVhost('notify-readme'), startSmtpPeer()]);
    });
    afterAll(async () => {
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
      await Promise.all([vhost?.remove(), smtp?.close()]);
    });

    it('build, migrate (creating the database), API and worker deliver the seed request', async () => {
      const lines = commands(bashBlocks('The stock service on real infrastructure')[0] as string);
      const exports = lines.filter((line) => line.startsWith('export '));
      const steps = lines.filter((line) => !line.startsWith('export '));
      expect(steps).toEqual([
        'pnpm build',
        'pnpm migrate --create-database',
        'pnpm start:api',
        'pnpm start:worker',
      ]);
      // The README's variables, each as written, then the values this test owns in their place.
      const env: NodeJS.ProcessEnv = { ...baseEnv };
      for (const line of exports) {
        for (const pair of line.slice('export '.length).split(/\s+/)) {
          const at = pair.indexOf('=');
          env[pair.slice(0, at)] = pair.slice(at + 1);
        }
      }
      expect(Object.keys(env)).toEqual(
        expect.arrayContaining(['DATABASE_URL', 'RABBITMQ_URL', 'EMAIL_HOST', 'EMAIL_FROM']),
      );
      const url = new URL(ADMIN_URL);
      url.pathname = `/${database}`;
      const port = await freePort();
      Object.assign(env, {
        DATABASE_URL: url.toString(),
        RABBITMQ_URL: vhost.url,
        EMAIL_HOST: smtp.host,
        EMAIL_PORT: String(smtp.port),
        EMAIL_USE_TLS: 'false',
        EMAIL_HOST_USER: '',
        EMAIL_HOST_PASSWORD: '',
        PORT: String(port),
      });
      const [build, migrate, startApi, startWorker] = steps as [string, string, string, string];
      // A reader of this section has installed the clone (the quick start did, unless it failed).
      if (!existsSync(join(clone, 'node_modules'))) {
        await runToEnd('npx -y pnpm@10.34.9 install --frozen-lockfile', clone, baseEnv, 300_000);
      }
      await runToEnd(build, clone, env, 300_000);
      expect(await runToEnd(migrate, clone, env, 120_000)).toContain(`created database ${database}`);
      const api = shell(startApi, clone, env);
      const worker = shell(startWorker, clone, env);
      try {
        await until(
          () => {
            for (const run of [api, worker]) if (run.child.exitCode !== null) throw new Error(run.output());
            return (
              api.output().includes('Email service listening') && worker.output().includes('Worker ready')
            );
          },
          60_000,
          'the API and the worker to be ready',
        );
        const seed = /-d '([\s\S]*?)'/.exec(bashBlocks('Quick start')[1] as string)?.[1] as string;
        const accepted = await fetch(`http://127.0.0.1:${port}/api/v1/notifications/`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: seed,
        });
        expect(accepted.status).toBe(202);
        const [mail] = await smtp.waitFor(1, 30_000);
        expect(mail?.subject).toBe('Welcome to Our Platform');
      } finally {
        await stopAll([api, worker]);
      }
    }, 600_000);
  });
});
