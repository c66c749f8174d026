#!/usr/bin/env node
import { runMigrateCli } from '../migrate-cli.js';

const code = await runMigrateCli(process.env, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
process.exitCode = code;
