import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { integer } from '../src/config/env-parsers.js';
import {
  configReferenceProblems,
  REFERENCE_END,
  REFERENCE_START,
  renderConfigReference,
} from '../src/config/reference.js';
import { CONFIG_SECTIONS, CONFIG_VARIABLES, SECRET_VARIABLES } from '../src/config/schema.js';
import { variable } from '../src/config/variable.js';

const PAGE = new URL('../../../docs/configuration.md', import.meta.url);
const page = () => readFileSync(PAGE, 'utf8');

describe('docs/configuration.md and the configuration sections', () => {
  it('agree: the page lists every variable, and names none that does not exist', () => {
    expect(configReferenceProblems(page())).toEqual([]);
  });

  it('disagree when a variable is added to a section and not to the page', () => {
    const sections = {
      ...CONFIG_SECTIONS,
      process: {
        ...CONFIG_SECTIONS.process,
        variables: {
          ...CONFIG_SECTIONS.process.variables,
          DRAIN_GRACE_MS: variable({
            schema: integer(0, 1000, 0),
            default: '`0`',
            example: '',
            meaning: 'x',
          }),
        },
      },
    };
    expect(configReferenceProblems(page(), sections)).toEqual([
      expect.stringContaining('run `pnpm docs:config`'),
    ]);
  });

  it('disagree when the page names a variable the sections do not have', () => {
    const stale = page().replace(
      '## Logs',
      'Set `SMTP_KEEPALIVE_MS` to keep idle connections open.\n\n## Logs',
    );
    expect(configReferenceProblems(stale)).toEqual([
      'SMTP_KEEPALIVE_MS is named on the page but is no variable',
    ]);
    const edited = page().replace('| `PORT` |', '| `PORT_NUMBER` |');
    expect(configReferenceProblems(edited)).toEqual(
      expect.arrayContaining([expect.stringContaining('run `pnpm docs:config`')]),
    );
  });

  it('holds the generated tables between the markers, one heading per section', () => {
    const text = page();
    const region = text.slice(text.indexOf(REFERENCE_START), text.indexOf(REFERENCE_END));
    for (const section of Object.values(CONFIG_SECTIONS)) expect(region).toContain(`### ${section.title}\n`);
    expect(renderConfigReference().match(/^\| `[A-Z_0-9]+`/gm)).toHaveLength(CONFIG_VARIABLES.size);
  });
});

describe('the variable definitions', () => {
  it('document the default each parser applies', () => {
    for (const [name, spec] of CONFIG_VARIABLES) {
      const parsed = spec.schema.parse(undefined);
      const shown = /^`([^`]*)`/.exec(spec.default)?.[1];
      if (parsed === undefined || (Array.isArray(parsed) && parsed.length === 0)) continue; // prose defaults ("unset: in-memory")
      // The default as written reads back as the value applied (`5d` is 432000000 ms).
      expect(shown, `${name}: default shown as ${spec.default}`).toBeDefined();
      expect(spec.schema.parse(shown), `${name}: default shown as ${spec.default}`).toEqual(parsed);
    }
  });

  it('give every variable a meaning, and mark credentials secret', () => {
    for (const [name, spec] of CONFIG_VARIABLES) expect(spec.meaning.trim(), name).not.toBe('');
    expect([...SECRET_VARIABLES].sort()).toEqual([
      'API_KEYS',
      'DATABASE_URL',
      'EMAIL_HOST_PASSWORD',
      'RABBITMQ_PASSWORD',
      'RABBITMQ_URL',
      'REDIS_URL',
      'STATUS_CALLBACK_SECRET',
    ]);
  });
});
