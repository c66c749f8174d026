import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base.js';

export default defineConfig({
  ...baseConfig,
  entry: [
    'src/index.ts',
    'src/bin/api.ts',
    'src/bin/worker.ts',
    'src/bin/serve.ts',
    'src/bin/migrate.ts',
    'src/bin/dead-letters.ts',
  ],
});
