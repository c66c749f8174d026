import { boolean, logLevel, oneOf } from '../env-parsers.js';
import { section, variable } from '../variable.js';

export const loggingSection = section({
  title: 'Logging',
  variables: {
    LOG_LEVEL: variable({
      schema: logLevel(),
      default: '`info`',
      example: 'DEBUG',
      meaning:
        "`trace`, `debug`, `info`, `warn`, `error`, `fatal` or `silent`, any case; Python's `WARNING`/`CRITICAL` are understood.",
    }),
    LOG_FORMAT: variable({
      schema: oneOf(['json', 'pretty'] as const),
      default: '`pretty` when stdout is a terminal, else `json`',
      example: 'json',
      meaning:
        '`json`: one JSON object per line, for log stores (the format below). `pretty`: coloured lines with time, level and message, for a person at a terminal.',
    }),
    LOG_RECIPIENTS: variable({
      schema: boolean(false),
      default: '`false`',
      example: 'true',
      meaning:
        'Show recipient addresses in logs; by default they are `[REDACTED]`, in fields and in error texts alike. Credentials are always redacted.',
    }),
  },
  build: (v) => ({
    level: v.LOG_LEVEL,
    /** undefined: pretty on a terminal, JSON otherwise (createLogger decides). */
    format: v.LOG_FORMAT,
    /** Show recipient addresses in logs (they are redacted by default). */
    recipients: v.LOG_RECIPIENTS,
  }),
});
