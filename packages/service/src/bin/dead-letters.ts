#!/usr/bin/env node
import pino from 'pino';
import {
  type CliResult,
  EXIT_FAILED,
  EXIT_USAGE,
  failureResult,
  parseCommandLine,
  runCommand,
  UsageError,
} from '../cli/dead-letters-cli.js';
import { composeService, type Service } from '../compose/compose-service.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../logging/logger.js';

/**
 * notify-dead-letters: list, inspect and replay failed notifications from a shell, on the same
 * environment as the worker. Results go to stdout (a table, or JSON with --json); diagnostics and
 * log lines to stderr, so the output can be piped.
 */
async function main(argv: string[]): Promise<CliResult> {
  let command: ReturnType<typeof parseCommandLine>;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      return {
        code: EXIT_USAGE,
        stdout: '',
        stderr: `error: ${error.message}\nRun notify-dead-letters --help for usage.\n`,
      };
    }
    throw error;
  }
  if (command.kind === 'help') return runCommand(command, unreachableOperations);

  let service: Service | undefined;
  try {
    const config = loadConfig(process.env);
    const logger = createLogger({
      // Quiet unless asked: an operator wants the answer, not the engine's info lines.
      level: process.env.LOG_LEVEL ? config.logging.level : 'warn',
      name: 'notify-email.dead-letters',
      redactEmails: !config.logging.recipients,
      destination: pino.destination({ fd: 2, sync: true }),
    });
    // Dead letters live in the shared store, and a replay must reach the shared queue: in-memory
    // backends would show nothing and lose the replay when this process exits.
    service = await composeService(config, {
      role: 'worker',
      logger,
      sharedBackends: { who: 'notify-dead-letters', why: 'the store and queue the workers use' },
      // It lists and replays; the workers send.
      sends: false,
    });
    return await runCommand(command, service.engine);
  } catch (error) {
    return failureResult(error);
  } finally {
    // Closing flushes the outbox relay, so a replay published late is still confirmed before exit.
    await service?.close();
  }
}

/** `help` touches nothing; these are never called. */
const unreachableOperations = {
  listDeadLetters: never,
  getDeadLetter: never,
  replayDeadLetter: never,
  replayDeadLetters: never,
};
function never(): never {
  throw new Error('not reachable');
}

main(process.argv.slice(2)).then(
  (result) => {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_FAILED;
  },
);
