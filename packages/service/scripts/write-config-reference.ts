// `pnpm docs:config`: rewrites the generated variable tables of docs/configuration.md from the
// configuration sections (packages/service/src/config/sections/*.ts). A test fails while the page
// and the sections disagree (packages/service/test/config-reference.test.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigReference } from '../src/config/reference.js';

const page = new URL('../../../docs/configuration.md', import.meta.url);
const before = readFileSync(page, 'utf8');
const after = withConfigReference(before);
if (after === before) console.log('docs/configuration.md is up to date');
else {
  writeFileSync(page, after);
  console.log('docs/configuration.md: variable reference rewritten');
}
