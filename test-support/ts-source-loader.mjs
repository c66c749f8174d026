// Lets the process tests run the bins straight from TypeScript source, as
// real child processes, without a build (from the repository's root):
//   node --conditions=source --import ./test-support/ts-source-loader.mjs \
//     packages/service/src/bin/worker.ts
// Workspace packages resolve to their sources (`packages/<dir>/src/index.ts`) through the `source`
// export condition; this hook maps the `.js` of relative imports back to `.ts` and transpiles each
// file on load with esbuild (the compiler tsup uses for dist, so the child runs what the build
// would produce).
import { readFile } from 'node:fs/promises';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { transform } from 'esbuild';

// The hooks run in a loader thread that imports this file again; only the main thread registers.
if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (relative && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const sourcefile = fileURLToPath(url);
  const { code } = await transform(await readFile(sourcefile, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcefile,
    sourcemap: 'inline',
    // The workspace compiles with legacy decorators (inversify's @injectable/@inject).
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
