import { describe, expect, it } from 'vitest';
import {
  API_PROGRAM,
  parseServiceCommandLine,
  SERVE_PROGRAM,
  usageOf,
  WORKER_PROGRAM,
} from '../src/cli/service-command-line.js';
import { CONFIG_VARIABLES } from '../src/config/schema.js';
import { serviceVersion } from '../src/version.js';

describe('the command line of the long-running programs', () => {
  it('answers --help with a usage naming every variable of the configuration', () => {
    for (const program of [API_PROGRAM, WORKER_PROGRAM, SERVE_PROGRAM]) {
      const usage = usageOf(program);
      expect(usage.startsWith(`Usage: ${program.name} `)).toBe(true);
      for (const name of CONFIG_VARIABLES.keys())
        expect(usage, `${program.name} ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
      expect(parseServiceCommandLine(program, ['-h'])).toEqual({
        kind: 'exit',
        code: 0,
        stdout: usage,
        stderr: '',
      });
    }
  });

  it('answers --version with the package version, runs with no arguments, refuses any other', () => {
    expect(parseServiceCommandLine(API_PROGRAM, ['--version'])).toMatchObject({
      code: 0,
      stdout: `${serviceVersion()}\n`,
    });
    expect(serviceVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(parseServiceCommandLine(API_PROGRAM, [])).toEqual({ kind: 'run' });
    for (const argv of [['--port', '80'], ['serve'], ['-x']]) {
      const answer = parseServiceCommandLine(API_PROGRAM, argv);
      expect(answer).toMatchObject({ kind: 'exit', code: 2, stdout: '' });
      expect(answer.kind === 'exit' && answer.stderr).toMatch(/configured by environment variables.*--help/s);
    }
  });
});
