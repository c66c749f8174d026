// Shared by the bin shims beside it. The programs are compiled into dist by `pnpm build` (the
// repository's `pnpm install` runs it); these files exist before the build, so package managers
// can link the bins at install time.
import { existsSync } from 'node:fs';

/** Imports dist/bin/<name>.js, or says how to build it when it is missing. */
export async function loadBuilt(name, command) {
  const entry = new URL(`../dist/bin/${name}.js`, import.meta.url);
  if (!existsSync(entry)) {
    process.stderr.write(`${command}: not built yet; run \`pnpm build\` in the repository first\n`);
    process.exitCode = 1;
    return;
  }
  await import(entry.href);
}
