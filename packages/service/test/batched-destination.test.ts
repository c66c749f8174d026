import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TS_SOURCE_LOADER as LOADER } from '../../../test-support/processes.js';
import { BatchedDestination } from '../src/logging/batched-destination.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/logging-process.ts', import.meta.url));

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tempFile(): { path: string; fd: number } {
  const dir = mkdtempSync(join(tmpdir(), 'batched-destination-'));
  const path = join(dir, 'out.log');
  const fd = openSync(path, 'a');
  cleanups.push(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });
  return { path, fd };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('BatchedDestination', () => {
  it('holds the lines of one event-loop turn and writes them in order when it ends', async () => {
    const { path, fd } = tempFile();
    const destination = new BatchedDestination({ fd });
    cleanups.push(() => destination.end());
    destination.write('one\n');
    destination.write('two\n');
    expect(readFileSync(path, 'utf8')).toBe('');
    await turn();
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n');
    destination.write('three\n');
    await turn();
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\nthree\n');
  });

  it('writes at once past its buffer size, and on flush', () => {
    const { path, fd } = tempFile();
    const destination = new BatchedDestination({ fd, maxBufferBytes: 10 });
    cleanups.push(() => destination.end());
    destination.write('12345\n');
    expect(readFileSync(path, 'utf8')).toBe('');
    destination.write('67890\n');
    expect(readFileSync(path, 'utf8')).toBe('12345\n67890\n');
    destination.write('tail\n');
    destination.flush();
    expect(readFileSync(path, 'utf8')).toBe('12345\n67890\ntail\n');
  });

  it('drops lines, without throwing, once the descriptor is unusable (EBADF)', () => {
    const destination = new BatchedDestination({ fd: 987_654 });
    cleanups.push(() => destination.end());
    destination.write('lost\n');
    expect(() => destination.flushSync()).not.toThrow();
    expect(destination.write('also dropped\n')).toBe(true);
    expect(() => destination.flushSync()).not.toThrow();
  });
});

/** Runs the fixture process; resolves with its stdout lines once it exits. */
function runFixture(
  mode: 'exit' | 'sigterm',
  count: number,
): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', LOADER, FIXTURE, mode, String(count)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (mode === 'sigterm' && out.includes('"message":"ready"') && !child.killed) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, lines: out.split('\n').filter((line) => line !== '') }));
  });
}

describe('the stock logger on stdout loses nothing when the process ends', () => {
  it('writes every line logged in the same turn as process.exit()', async () => {
    const { code, lines } = await runFixture('exit', 5000);
    expect(code).toBe(0);
    const messages = lines.map((line) => (JSON.parse(line) as { message: string }).message);
    expect(messages).toHaveLength(5000);
    expect(messages[0]).toBe('line 0');
    expect(messages[4999]).toBe('line 4999');
  }, 30_000);

  it('writes every line of a SIGTERM shutdown, in order, up to "Shutdown complete"', async () => {
    const { code, lines } = await runFixture('sigterm', 5000);
    expect(code).toBe(0);
    const messages = lines.map((line) => (JSON.parse(line) as { message: string }).message);
    const draining = messages.filter((message) => message.startsWith('draining '));
    expect(draining).toEqual(Array.from({ length: 5000 }, (_, i) => `draining ${i}`));
    expect(messages.at(-1)).toBe('Shutdown complete');
  }, 30_000);
});
