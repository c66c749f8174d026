import { parseArgs } from 'node:util';
import { CONFIG_SECTIONS } from '../config/schema.js';
import { serviceVersion } from '../version.js';

/** A long-running stock program: configured by the environment alone, it takes no arguments. */
export interface ServiceProgram {
  name: string;
  /** What the program runs, a few lines. */
  summary: string;
  /** What it needs from the environment beyond the defaults, if anything. */
  requires?: string;
}

export const API_PROGRAM: ServiceProgram = {
  name: 'notify-api',
  summary:
    'The HTTP API of notify-email and its outbox relay (publishing accepted notifications, and the\n' +
    'recovery loop that republishes what never reached the queue). Workers run as separate\n' +
    'processes (notify-worker).',
  requires: 'DATABASE_URL and RABBITMQ_URL (or RABBITMQ_HOST), shared with the workers.',
};

export const WORKER_PROGRAM: ServiceProgram = {
  name: 'notify-worker',
  summary:
    'A notify-email worker: consumes the queue, renders and sends each notification, stores the\n' +
    'outcome, retries or dead-letters. Run as many as the mail volume needs.',
  requires: 'DATABASE_URL and RABBITMQ_URL (or RABBITMQ_HOST), shared with the API.',
};

export const SERVE_PROGRAM: ServiceProgram = {
  name: 'notify-serve',
  summary:
    'The embedded notify-email service: the HTTP API, the outbox relay and a worker in one process.\n' +
    'With nothing configured it runs on the in-memory store and queue and writes each email as an\n' +
    '.eml file into a folder it prints; each backend switches to its real adapter when its variable\n' +
    'is set.',
};

/** What the command line asks of a service program. */
export type ServiceCommand = { kind: 'run' } | { kind: 'exit'; code: number; stdout: string; stderr: string };

export function usageOf(program: ServiceProgram): string {
  const lines = [`Usage: ${program.name} [--help | --version]`, '', program.summary, ''];
  if (program.requires) lines.push(`Needs ${program.requires}`);
  lines.push(
    'Configured by environment variables only; each one, with its default, is described in',
    'docs/configuration.md. SIGTERM or SIGINT: finish the work in flight, close, exit 0.',
    '',
    'Environment:',
    ...environmentLines(),
    '',
    'Options:',
    '  -h, --help     This text',
    '  -v, --version  The version',
    '',
    'Exit codes: 0 stopped cleanly, 1 failed (an invalid configuration names every bad variable),',
    '2 usage error.',
  );
  return `${lines.join('\n')}\n`;
}

/** The variables of each configuration section, wrapped under the section's title. */
function environmentLines(): string[] {
  const lines: string[] = [];
  for (const section of Object.values(CONFIG_SECTIONS)) {
    let line = `  ${section.title}:`;
    for (const name of Object.keys(section.variables)) {
      if (line.length + name.length + 1 > 96) {
        lines.push(line);
        line = '   ';
      }
      line += ` ${name}`;
    }
    lines.push(line);
  }
  return lines;
}

/** `--help` and `--version` answer and exit 0; any other argument is a usage error (exit 2). */
export function parseServiceCommandLine(program: ServiceProgram, argv: string[]): ServiceCommand {
  let values: { help?: boolean; version?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      kind: 'exit',
      code: 2,
      stdout: '',
      stderr: `error: ${reason}\n${program.name} takes no arguments; it is configured by environment variables. Run ${program.name} --help for usage.\n`,
    };
  }
  if (values.help) return { kind: 'exit', code: 0, stdout: usageOf(program), stderr: '' };
  if (values.version) return { kind: 'exit', code: 0, stdout: `${serviceVersion()}\n`, stderr: '' };
  return { kind: 'run' };
}

/** Runs `start` unless the command line answers by itself (help, version, a usage error). */
export function runServiceProgram(program: ServiceProgram, argv: string[], start: () => Promise<void>): void {
  const command = parseServiceCommandLine(program, argv);
  if (command.kind === 'exit') {
    process.stdout.write(command.stdout);
    process.stderr.write(command.stderr);
    process.exitCode = command.code;
    return;
  }
  void start();
}
