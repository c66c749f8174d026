import { url } from '../env-parsers.js';
import { section, variable } from '../variable.js';

export const redisSection = section({
  title: 'Rate limits across replicas',
  variables: {
    REDIS_URL: variable({
      schema: url(['redis', 'rediss']),
      default: 'unset: per process',
      example: 'redis://cache:6379/0',
      meaning: '`redis://` or `rediss://`; makes `RATE_LIMIT_*` hold across every API replica.',
      secret: true,
    }),
  },
  build: (v) => ({
    /** Shared rate limits; undefined = per-process in-memory limits. */
    url: v.REDIS_URL,
  }),
});
