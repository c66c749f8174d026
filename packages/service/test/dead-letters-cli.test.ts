import {
  createEmailEngine,
  type EmailEngineInstance,
  InMemoryNotificationQueue,
  InMemoryTemplateSource,
  NotifyError,
} from '@notify/email-core';
import { ControllableMailTransport, ControllableNotificationStore } from '@notify/email-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CliResult,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  parseCommandLine,
  runCommand,
  table,
  UsageError,
} from '../src/cli/dead-letters-cli.js';

// The CLI's parsing and printing on the core's in-memory backends (through the test doubles that
// can fail them); dead-letters-cli.stack.test.ts runs the real process on PostgreSQL and RabbitMQ.

let engine: EmailEngineInstance | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

async function engineWithDeadLetters(ids: string[]) {
  const store = new ControllableNotificationStore();
  const transport = new ControllableMailTransport();
  engine = createEmailEngine(
    {
      store,
      queue: new InMemoryNotificationQueue(),
      transport,
      templates: new InMemoryTemplateSource([{ code: 'welcome', subject: 'Hi', text: 'Hello' }]),
    },
    { from: 'no-reply@example.test' },
  );
  for (const requestId of ids) {
    await engine.acceptNotification({
      body: {
        notification_type: 'email',
        user_id: 'u-1',
        template_code: 'welcome',
        variables: { email: 'ada@example.test' },
        request_id: requestId,
      },
      correlationId: `corr-${requestId}`,
    });
    const record = await store.getByRequestId(requestId);
    transport.failNext(new NotifyError('SMTP_PERMANENT', '550 5.1.1 no such user\r\n(see  the log)'));
    await engine.processNotification({
      requestId,
      taskId: record?.id ?? '',
      priority: 10,
      correlationId: 'c',
    });
  }
  return { engine, store };
}

const run = async (argv: string[], ops: EmailEngineInstance): Promise<CliResult> =>
  runCommand(parseCommandLine(argv), ops);

describe('parseCommandLine', () => {
  it('maps commands and options to what the use cases take', () => {
    expect(
      parseCommandLine(['list', '--limit', '5', '--user-id', 'u', '--template', 't', '--error-code', 'E']),
    ).toEqual({
      kind: 'list',
      json: false,
      query: { user_id: 'u', template_code: 't', error_code: 'E', limit: '5', page: undefined },
    });
    expect(parseCommandLine(['show', 'r-1', '--json'])).toEqual({
      kind: 'show',
      json: true,
      requestId: 'r-1',
    });
    expect(parseCommandLine(['replay-all', '--limit', '7', '--error-code', 'X'])).toEqual({
      kind: 'replay-all',
      json: false,
      limit: 7,
      filter: { error_code: 'X' },
    });
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' });
    // A request_id that looks like an option still gets through after `--`.
    expect(parseCommandLine(['replay', '--', '--odd-id'])).toMatchObject({ requestId: '--odd-id' });
  });

  it('throws UsageError for what cannot be run', () => {
    for (const argv of [
      [],
      ['nope'],
      ['show'],
      ['show', 'a', 'b'],
      ['list', 'extra'],
      ['list', '--nope'],
      ['replay', 'a', '--page', '2'],
      ['replay-all', '--limit', '1e3'],
      ['list', '--limit'],
    ]) {
      expect(() => parseCommandLine(argv), argv.join(' ')).toThrow(UsageError);
    }
  });
});

describe('runCommand', () => {
  it('prints a table, one line per dead letter, errors on one line', async () => {
    const { engine } = await engineWithDeadLetters(['d-1', 'd-2']);
    const result = await run(['list'], engine);
    expect(result.code).toBe(EXIT_OK);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^REQUEST_ID\s+USER_ID/);
    expect(lines.filter((line) => line.startsWith('d-'))).toHaveLength(2);
    expect(result.stdout).toContain('550 5.1.1 no such user (see the log)');
    expect(result.stdout).toContain('Page 1 of 1 (2 dead letters).');
    expect((await run(['list', '--page', '5'], engine)).stdout).toBe(
      'Page 5 is past the end (2 dead letters).\n',
    );
  });

  it('replays and reports; a second replay is exit 1, a bad value exit 2', async () => {
    const { engine, store } = await engineWithDeadLetters(['d-1']);
    const replayed = await run(['replay', 'd-1', '--json'], engine);
    expect(replayed.code).toBe(EXIT_OK);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ status: 'queued', attempts: 0 });
    expect((await store.getByRequestId('d-1'))?.status).toBe('queued');
    const again = await run(['replay', 'd-1'], engine);
    expect(again).toMatchObject({ code: EXIT_FAILED, stdout: '' });
    expect(again.stderr).toMatch(/^error: NOT_REPLAYABLE: /);
    const bad = await run(['list', '--limit', '500'], engine);
    expect(bad.code).toBe(EXIT_USAGE);
    expect(bad.stderr).toContain('limit: limit must be an integer from 1 to 100');
    expect((await run(['list'], engine)).stdout).toBe('No dead letters.\n');
  });

  it('exits 1 when a bulk replay could not replay everything it selected', async () => {
    const { engine, store } = await engineWithDeadLetters(['d-1', 'd-2']);
    const original = store.update.bind(store);
    store.update = async (requestId, guard, patch) => {
      if (requestId === 'd-2') throw new Error('connection reset');
      return original(requestId, guard, patch);
    };
    const result = await run(['replay-all'], engine);
    expect(result.code).toBe(EXIT_FAILED);
    expect(result.stdout).toContain('Replayed 1 of 2 matching dead letters, limit 100.');
    expect(result.stdout).toContain('failed d-2: STORE_UNAVAILABLE');
    expect(result.stderr).toContain('could not be replayed');
  });

  it('exits 1 naming the store failure when the store is down', async () => {
    const { engine, store } = await engineWithDeadLetters([]);
    store.setAvailable(false);
    const result = await run(['show', 'x'], engine);
    expect(result.code).toBe(EXIT_FAILED);
    expect(result.stderr).toContain('STORE_UNAVAILABLE');
    expect(result.stderr).toContain('In-memory store is unavailable');
  });
});

describe('table', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(
      table(
        ['A', 'LONG'],
        [
          ['xyz', 'v'],
          ['', 'w'],
        ],
      ),
    ).toBe('A    LONG\nxyz  v\n     w');
  });
});
