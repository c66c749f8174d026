import { integer, keyList, optionalText } from '../env-parsers.js';
import { section, variable } from '../variable.js';

export const httpSection = section({
  title: 'HTTP API',
  variables: {
    PORT: variable({
      schema: integer(0, 65_535, 8000),
      default: '`8000`',
      example: '8080',
      meaning: 'Port of the HTTP API; `0` picks a free port.',
    }),
    HOST: variable({
      schema: optionalText(),
      default: '`0.0.0.0`',
      example: '127.0.0.1',
      meaning: 'Address the API binds to.',
    }),
    API_KEYS: variable({
      schema: keyList(),
      default: 'none (no authentication)',
      example: 'k_live_4f9a2c81d3e7b6a5,k_live_0b1c2d3e4f5a6b7c',
      meaning:
        'Comma-separated bearer keys, each at least 16 characters without spaces. When set, every `/api/` route needs `Authorization: Bearer <key>`; health routes never do. Several keys allow rotation.',
      secret: true,
    }),
    RATE_LIMIT_PER_SECOND: variable({
      schema: integer(0, 1_000_000, 100),
      default: '`100`',
      example: '20',
      meaning:
        'Accepted notifications per second per `user_id` (token bucket refill); `0` turns rate limiting off. Over the limit: 429 `RATE_LIMITED` with `Retry-After`.',
    }),
    RATE_LIMIT_BURST: variable({
      schema: integer(1, 1_000_000, undefined),
      default: 'twice `RATE_LIMIT_PER_SECOND`',
      example: '50',
      meaning: 'Bucket size: how many may arrive at once.',
    }),
    BODY_LIMIT_BYTES: variable({
      schema: integer(1024, 100 * 1024 * 1024, 256 * 1024),
      default: '`262144` (256 KiB)',
      example: '65536',
      meaning: 'Largest request body; larger → 413.',
    }),
  },
  build: (v) => ({
    port: v.PORT,
    host: v.HOST ?? '0.0.0.0',
    /** Bearer keys for `/api/`; empty = no authentication. */
    apiKeys: v.API_KEYS,
    /** Accepted notifications per second per client; undefined = no rate limit. */
    rateLimit:
      v.RATE_LIMIT_PER_SECOND === 0
        ? undefined
        : { perSecond: v.RATE_LIMIT_PER_SECOND, burst: v.RATE_LIMIT_BURST ?? v.RATE_LIMIT_PER_SECOND * 2 },
    bodyLimitBytes: v.BODY_LIMIT_BYTES,
  }),
});
