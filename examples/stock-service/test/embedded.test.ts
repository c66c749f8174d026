import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePackagesBuilt } from '../../../test-support/packaging/built-packages.js';
import { resultOf, runCommand } from '../../../test-support/packaging/run-command.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));

describe('examples/stock-service with nothing configured (embedded), run as its README says', () => {
  let outbox: string;
  beforeAll(async () => {
    await ensurePackagesBuilt(); // the README's `pnpm build`
    outbox = await mkdtemp(join(tmpdir(), 'notify-stock-example-'));
  }, 600_000);
  afterAll(async () => {
    if (outbox) await rm(outbox, { recursive: true, force: true });
  });

  it('notify-serve accepts the seed request, writes the email as .eml and exits 0 on SIGTERM', async () => {
    const output = await runCommand('pnpm', ['start'], {
      cwd: exampleDir,
      timeoutMs: 90_000,
      env: {
        PORT: '0',
        OUTBOX_DIR: outbox,
        DATABASE_URL: undefined,
        RABBITMQ_URL: undefined,
        RABBITMQ_HOST: undefined,
        EMAIL_HOST: undefined,
      },
    });
    expect(output.code, output.stderr).toBe(0);
    const result = resultOf(output);
    expect(result).toMatchObject({
      mode: 'embedded',
      status: 'delivered',
      attempts: 1,
      health: 200,
      exit_codes: [0],
    });
    const files = await readdir(outbox);
    expect(files).toHaveLength(1);
    expect(files[0]).toContain(String(result.request_id));
    const eml = await readFile(join(outbox, files[0] as string), 'utf8');
    expect(eml).toMatch(/^Subject: Welcome to Our Platform$/m);
    expect(eml).toMatch(/^To: john@example\.com$/m);
  }, 120_000);
});
