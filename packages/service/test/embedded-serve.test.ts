import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningProcess, startSourceBin } from '../../../test-support/processes.js';
import { SEED_REQUEST, SEED_REQUEST_TEXT } from '../../../test-support/seed-request.js';
import { waitFor, within } from '../../../test-support/wait.js';

// The embedded service as `pnpm start` runs it, but from source: a real child process with a
// clean environment (nothing configured but the port and the outbox folder).
const serveBin = fileURLToPath(new URL('../src/bin/serve.ts', import.meta.url));
const startServe = (env: Record<string, string>) => startSourceBin(serveBin, env);

describe('embedded service (serve.js) as a child process', () => {
  let outbox: string;
  let port: number;
  let service: RunningProcess;

  beforeAll(async () => {
    outbox = mkdtempSync(join(tmpdir(), 'notify-serve-test-'));
    port = await freePort();
    service = startServe({ PORT: String(port), HOST: '127.0.0.1', OUTBOX_DIR: outbox });
    await waitFor(
      () => {
        if (service.child.exitCode !== null)
          throw new Error(`serve exited early: ${service.stderr()}${service.stdout()}`);
        return service.lines.find((line) => String(line.message).startsWith('Email service listening'));
      },
      25_000,
      'the service to listen',
    );
  });

  afterAll(async () => {
    if (service?.child.exitCode === null) service.child.kill('SIGKILL');
    rmSync(outbox, { recursive: true, force: true });
  });

  it('prints the absolute outbox folder at start-up', () => {
    const line = service.lines.find((l) => typeof l.outbox_dir === 'string');
    expect(line?.outbox_dir).toBe(outbox);
    expect(String(line?.message)).toContain(outbox);
    expect(service.lines.every((l) => typeof l.timestamp === 'string' && typeof l.level === 'string')).toBe(
      true,
    );
  });

  it('accepts the seed request, delivers it within a second, and writes the rendered email', async () => {
    const accepted = await fetch(`http://127.0.0.1:${port}/api/v1/notifications/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: SEED_REQUEST_TEXT,
    });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({
      success: true,
      message: 'Notification queued for processing',
      data: { request_id: 'req-12345-67890', status: 'queued' },
      error: null,
    });

    const acceptedAt = Date.now();
    const delivered = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/notifications/${SEED_REQUEST.request_id}/`);
        const body = (await res.json()) as { data: { status: string } };
        return body.data.status === 'delivered' ? body : undefined;
      },
      1000,
      'status delivered',
    );
    expect(Date.now() - acceptedAt).toBeLessThan(1000);
    expect(delivered.data).toMatchObject({
      to_email: 'john@example.com',
      attempts: 1,
      template_code: 'welcome_email',
    });

    const files = readdirSync(outbox).filter((name) => name.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(outbox, files[0] ?? '')));
    expect(mail.subject).toBe('Welcome to Our Platform');
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('john@example.com');
    expect(mail.text).toContain('Welcome, John Doe!');
    expect(mail.text).toContain('https://example.com/verify');
    expect(mail.html).toContain('href="https://example.com/verify"');
    expect(mail.messageId).toMatch(/^<.+@.+>$/);

    // Recipient addresses stay out of the logs by default.
    expect(service.stdout()).not.toContain('john@example.com');
  });

  it('exits 0 on SIGTERM', async () => {
    service.child.kill('SIGTERM');
    const code = await within(service.exited, 15_000);
    expect(code).toBe(0);
    expect(service.lines.some((l) => l.message === 'Shutdown complete')).toBe(true);
  });
});

describe('embedded service with an invalid configuration', () => {
  it('prints one message naming every bad variable, without secret values, and exits 1', async () => {
    const run = startServe({ PORT: 'eighty', LOG_LEVEL: 'chatty', REDIS_URL: 'localhost:hunter2' });
    const code = await within(run.exited, 15_000);
    expect(code).toBe(1);
    const stderr = run.stderr().trim();
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^Invalid configuration: /);
    for (const variable of ['PORT', 'LOG_LEVEL', 'REDIS_URL']) expect(stderr).toContain(variable);
    expect(stderr).not.toContain('hunter2');
  });
});

describe('embedded service on a port it cannot have', () => {
  it('exits 1 saying the port is in use and that PORT changes it, without a stack trace', async () => {
    const outbox = mkdtempSync(join(tmpdir(), 'notify-serve-busy-'));
    const port = await freePort();
    const holder = createServer().listen(port, '127.0.0.1');
    await once(holder, 'listening');
    try {
      const second = startServe({ PORT: String(port), HOST: '127.0.0.1', OUTBOX_DIR: outbox });
      expect(await within(second.exited, 25_000)).toBe(1);
      expect(second.stderr()).toContain(
        `port ${port} on 127.0.0.1 is in use by another process; set PORT to a free port (PORT=0 picks one)`,
      );
      expect(second.stderr() + second.stdout()).not.toMatch(/\n\s+at /);
    } finally {
      holder.close();
      rmSync(outbox, { recursive: true, force: true });
    }
  });
});

describe('embedded service at a quiet LOG_LEVEL', () => {
  it('still says where it listens and where the .eml files go (on stderr), and stdout stays empty', async () => {
    const outbox = mkdtempSync(join(tmpdir(), 'notify-serve-quiet-'));
    const port = await freePort();
    const quiet = startServe({
      PORT: String(port),
      HOST: '127.0.0.1',
      OUTBOX_DIR: outbox,
      LOG_LEVEL: 'silent',
    });
    try {
      await waitFor(
        () => {
          if (quiet.child.exitCode !== null) throw new Error(`serve exited early: ${quiet.stderr()}`);
          return quiet.stderr().includes('Email service listening') ? true : undefined;
        },
        25_000,
        'the listening line',
      );
      expect(quiet.stderr()).toContain(`Email service listening on http://127.0.0.1:${port}`);
      expect(quiet.stderr()).toContain(`Emails are written as .eml files to ${outbox}`);
      expect(quiet.stdout()).toBe('');
    } finally {
      quiet.child.kill('SIGTERM');
      await within(quiet.exited, 20_000);
      rmSync(outbox, { recursive: true, force: true });
    }
  });
});
