import type { Options } from 'tsup';

/**
 * Shared by the tsup configuration of every package (as packages/core/tsup.config.ts): ESM only,
 * Node 20, declarations.
 */
export const baseConfig: Options = {
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { compilerOptions: { customConditions: [] } },
  sourcemap: true,
  clean: true,
  splitting: true,
  tsconfig: 'tsconfig.json',
};
