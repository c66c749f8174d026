import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resultOf, runCommand } from '../../../test-support/packaging/run-command.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));

describe('examples/embed-core in memory, run as its README says', () => {
  it('`pnpm start` delivers one welcome email and shows the replay', async () => {
    const output = await runCommand('pnpm', ['start'], { cwd: exampleDir, timeoutMs: 60_000 });
    expect(output.code, output.stderr).toBe(0);
    const result = resultOf(output);
    expect(result).toMatchObject({
      status: 'delivered',
      sent: 1,
      subject: 'Welcome, Ada!',
      to: 'ada@example.com',
      replayed: true,
    });
    expect(result.messageId).toMatch(/^<[0-9a-f]+@example\.com>$/);
  }, 90_000);
});
