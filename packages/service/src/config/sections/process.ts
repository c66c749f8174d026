import { integer } from '../env-parsers.js';
import { section, variable } from '../variable.js';

export const processSection = section({
  title: 'Process',
  variables: {
    SHUTDOWN_TIMEOUT_MS: variable({
      schema: integer(100, 10 * 60_000, 15_000),
      default: '`15000`',
      example: '30000',
      meaning:
        'On SIGTERM/SIGINT: how long to finish in-flight requests and messages and close connections; past it (and 2 s more for the last log lines) the process exits anyway, with exit code 1.',
    }),
  },
  build: (v) => ({
    /** How long a stopping process waits for in-flight work before it gives up. */
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
  }),
});
