import { defineConfig, type UserConfig } from 'vitest/config';
import rootConfig from '../vitest.config.js';

/**
 * The fault suite (`pnpm test:faults`): whole-stack scenarios with the API and two workers as
 * separate processes. Same module resolution as the root config (workspace packages from their
 * TypeScript sources); files run one after another, because each scenario starts its own
 * processes and times its drain, and two at once on a 2-core machine would measure each other.
 */
export default defineConfig(async (env) => {
  const root = (typeof rootConfig === 'function' ? await rootConfig(env) : rootConfig) as UserConfig;
  return {
    root: new URL('..', import.meta.url).pathname,
    resolve: root.resolve,
    ssr: root.ssr,
    test: {
      include: ['faults/**/*.fault.test.ts'],
      testTimeout: 180_000,
      hookTimeout: 90_000,
      pool: 'forks',
      fileParallelism: false,
      // A scenario that fails prints which ids were lost or duplicated; a retry would hide it.
      retry: 0,
    },
  };
});
