import { parseArgs } from 'node:util';
import {
  type AttemptView,
  type BulkReplayResult,
  type DeadLetterDetailView,
  type DeadLetterListOutput,
  type EmailEngine,
  type NotificationHistoryView,
  NotifyError,
} from '@notify/email-core';

/** The use cases the CLI calls; nothing else. */
export type DeadLetterOperations = Pick<
  EmailEngine,
  'listDeadLetters' | 'getDeadLetter' | 'replayDeadLetter' | 'replayDeadLetters'
>;

export const EXIT_OK = 0;
/** The operation failed: unknown id, not replayable, store down, bad configuration. */
export const EXIT_FAILED = 1;
/** The command line was wrong: nothing was attempted. */
export const EXIT_USAGE = 2;

const USAGE = `Usage: notify-dead-letters <command> [options]

Dead letters are the notifications whose status is failed.

Commands:
  list                  List dead letters, newest failure first
      --limit N         Items per page, 1..100 (default 20)
      --page N          Page, from 1 (default 1)
      --user-id X       Only this user's
      --template X      Only this template
      --error-code X    Only this error code, e.g. SMTP_PERMANENT
  show <request_id>     One dead letter with every attempt
  replay <request_id>   Re-queue one with a fresh attempt budget (history kept)
  replay-all            Re-queue many, newest failure first
      --limit N         At most N, 1..1000 (default 100)
      --user-id X, --template X, --error-code X   as for list

Options:
  --json                Print JSON instead of a table
  -h, --help            This text

Configured from the same environment as the worker (DATABASE_URL, RABBITMQ_URL, ...).
Exit codes: 0 done, 1 failed, 2 usage error.`;

/** What the command line asks for, before anything is connected. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'list'; json: boolean; query: Record<string, string | undefined> }
  | { kind: 'show'; json: boolean; requestId: string }
  | { kind: 'replay'; json: boolean; requestId: string }
  | { kind: 'replay-all'; json: boolean; limit: number | undefined; filter: Record<string, string> };

export class UsageError extends Error {
  override name = 'UsageError';
}

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  limit: { type: 'string' },
  page: { type: 'string' },
  'user-id': { type: 'string' },
  template: { type: 'string' },
  'error-code': { type: 'string' },
} as const;

/** Which options each command takes; anything else is a usage error rather than silently ignored. */
const ALLOWED: Record<string, readonly string[]> = {
  list: ['json', 'limit', 'page', 'user-id', 'template', 'error-code'],
  show: ['json'],
  replay: ['json'],
  'replay-all': ['json', 'limit', 'user-id', 'template', 'error-code'],
};

/** Parses argv (without `node` and the script). Throws UsageError with a one-line reason. */
export function parseCommandLine(argv: string[]): CliCommand {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === 'help') return { kind: 'help' };
  if (command === undefined) throw new UsageError('a command is required: list, show, replay or replay-all');
  const allowed = ALLOWED[command];
  if (allowed === undefined) throw new UsageError(`unknown command '${command}'`);
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && name !== 'help' && !allowed.includes(name)) {
      throw new UsageError(`--${name} does not apply to '${command}'`);
    }
  }
  const json = values.json === true;
  const filter: Record<string, string> = {};
  if (values['user-id'] !== undefined) filter.user_id = values['user-id'];
  if (values.template !== undefined) filter.template_code = values.template;
  if (values['error-code'] !== undefined) filter.error_code = values['error-code'];

  if (command === 'show' || command === 'replay') {
    if (rest.length !== 1 || rest[0] === '') {
      throw new UsageError(`'${command}' takes exactly one request_id`);
    }
    return { kind: command, json, requestId: rest[0] as string };
  }
  if (rest.length > 0) throw new UsageError(`'${command}' takes no arguments; got '${rest.join(' ')}'`);
  if (command === 'list') {
    return { kind: 'list', json, query: { ...filter, limit: values.limit, page: values.page } };
  }
  let limit: number | undefined;
  if (values.limit !== undefined) {
    // Digits only: Number() would also take '1e3' or '0x10'. The range is the use case's to check.
    if (!/^\d{1,9}$/.test(values.limit))
      throw new UsageError(`--limit must be a whole number, got '${values.limit}'`);
    limit = Number(values.limit);
  }
  return { kind: 'replay-all', json, limit, filter };
}

/** What a run printed and how it ended; the bin writes it out, tests read it. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a parsed command against the use cases. Never throws: every failure becomes an exit code. */
export async function runCommand(command: CliCommand, ops: DeadLetterOperations): Promise<CliResult> {
  try {
    const { stdout, partial } = await execute(command, ops);
    // A bulk replay that could not replay some of its selection did not do what was asked.
    return partial
      ? { code: EXIT_FAILED, stdout, stderr: 'error: some dead letters could not be replayed\n' }
      : { code: EXIT_OK, stdout, stderr: '' };
  } catch (error) {
    return failureResult(error);
  }
}

/** An error as the operator sees it: the code and our message, plus the cause for dependency failures. */
export function failureResult(error: unknown): CliResult {
  if (NotifyError.is(error)) {
    // Bad option values (limit 0, a malformed error code) are the command line's fault: usage.
    const code = error.code === 'VALIDATION_FAILED' ? EXIT_USAGE : EXIT_FAILED;
    const details = (error.details ?? []).map((d) => `\n  ${d.path}: ${d.message}`).join('');
    const cause = !error.forCaller && error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
    return { code, stdout: '', stderr: `error: ${error.code}: ${error.message}${cause}${details}\n` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: EXIT_FAILED, stdout: '', stderr: `error: ${message}\n` };
}

async function execute(
  command: CliCommand,
  ops: DeadLetterOperations,
): Promise<{ stdout: string; partial?: boolean }> {
  switch (command.kind) {
    case 'help':
      return { stdout: `${USAGE}\n` };
    case 'list': {
      const output = await ops.listDeadLetters(command.query);
      return { stdout: command.json ? toJson(output) : formatList(output) };
    }
    case 'show': {
      const detail = await ops.getDeadLetter(command.requestId);
      return { stdout: command.json ? toJson(detail) : formatDetail(detail) };
    }
    case 'replay': {
      const view = await ops.replayDeadLetter(command.requestId);
      return { stdout: command.json ? toJson(view) : formatReplayed(view) };
    }
    case 'replay-all': {
      const body: { filter: Record<string, string>; limit?: number } = { filter: command.filter };
      if (command.limit !== undefined) body.limit = command.limit;
      const result = await ops.replayDeadLetters(body);
      return { stdout: command.json ? toJson(result) : formatBulk(result), partial: result.failed > 0 };
    }
  }
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Columns padded to their widest cell; the last column is never padded (it may be long). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** One line, at most `max` characters: error texts can hold a whole SMTP transcript. */
function clip(text: string | null | undefined, max = 80): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function formatList(output: DeadLetterListOutput): string {
  const { items, meta } = output;
  const noun = meta.total === 1 ? 'dead letter' : 'dead letters';
  if (items.length === 0) {
    return meta.total === 0
      ? 'No dead letters.\n'
      : `Page ${meta.page} is past the end (${meta.total} ${noun}).\n`;
  }
  const rows = items.map((d) => [
    d.request_id,
    d.user_id,
    d.template_code,
    String(d.attempts),
    d.error_code ?? '',
    d.failed_at,
    clip(d.error, 60),
  ]);
  const body = table(
    ['REQUEST_ID', 'USER_ID', 'TEMPLATE', 'ATTEMPTS', 'ERROR_CODE', 'FAILED_AT', 'ERROR'],
    rows,
  );
  const next = meta.has_next ? ` Next: --page ${meta.page + 1}` : '';
  return `${body}\n\nPage ${meta.page} of ${meta.total_pages} (${meta.total} ${noun}).${next}\n`;
}

function historyTable(history: AttemptView[]): string {
  if (history.length === 0) return '(no attempts recorded)';
  return table(
    ['#', 'AT', 'OUTCOME', 'ERROR_CODE', 'ERROR'],
    history.map((h) => [String(h.attempt), h.at, h.outcome, h.error_code ?? '', clip(h.error)]),
  );
}

function fields(pairs: Array<[string, string]>): string {
  const width = Math.max(...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${`${key}:`.padEnd(width + 2)}${value}`).join('\n');
}

function formatDetail(d: DeadLetterDetailView): string {
  return `${fields([
    ['request_id', d.request_id],
    ['task_id', d.task_id],
    ['status', d.status],
    ['user_id', d.user_id],
    ['to', d.to_email],
    ['template', d.template_code],
    ['priority', String(d.priority)],
    ['attempts', String(d.attempts)],
    ['error_code', d.error_code ?? ''],
    ['error', d.error ?? ''],
    ['created_at', d.created_at],
    ['failed_at', d.failed_at],
    ['correlation_id', d.correlation_id],
  ])}\n\nHistory:\n${historyTable(d.history)}\n`;
}

function formatReplayed(v: NotificationHistoryView): string {
  return (
    `Replayed ${v.request_id}: status ${v.status}, attempts ${v.attempts} (a fresh budget).\n\n` +
    `History:\n${historyTable(v.history)}\n`
  );
}

function formatBulk(r: BulkReplayResult): string {
  const filter = Object.entries(r.filter)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  const lines = [
    `Replayed ${r.replayed} of ${r.matched} matching dead letters${filter ? ` (${filter})` : ''}, limit ${r.limit}.`,
    `skipped ${r.skipped}, failed ${r.failed}, remaining ${r.remaining}`,
  ];
  if (r.request_ids.length > 0) lines.push('', ...r.request_ids.map((id) => `  replayed ${id}`));
  if (r.errors.length > 0)
    lines.push('', ...r.errors.map((e) => `  failed ${e.request_id}: ${e.code}: ${e.message}`));
  return `${lines.join('\n')}\n`;
}
