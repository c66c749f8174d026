#!/usr/bin/env node
import { runMigrateCli } from '../cli/migrate-cli.js';

const code = await runMigrateCli(
  process.env,
  { out: (line) => console.log(line), err: (line) => console.error(line) },
  process.argv.slice(2),
);
process.exitCode = code;
