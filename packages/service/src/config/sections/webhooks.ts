import { DEFAULT_WEBHOOK_DISABLE_AFTER_MS, DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS } from '@notify/email-core';
import { boolean, duration, durationList, integer } from '../env-parsers.js';
import { section, variable } from '../variable.js';

export const webhooksSection = section({
  title: 'Webhooks',
  variables: {
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: variable({
      schema: boolean(false),
      default: '`false`',
      example: 'true',
      meaning:
        'Allows webhook URLs whose host is a loopback, private, link-local, CGNAT or metadata address (a receiver on your own network). Off, such URLs are refused (`WEBHOOK_URL_FORBIDDEN`), when set and again at each send.',
    }),
    WEBHOOK_TIMEOUT_MS: variable({
      schema: integer(100, 120_000, 15_000),
      default: '`15000`',
      example: '5000',
      meaning:
        "How long one webhook attempt may take (connect, send, the answer's status line) before it counts as failed.",
    }),
    WEBHOOK_RETRY_SCHEDULE: variable({
      schema: durationList(50, DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS),
      default: '`5s,5m,30m,2h,5h,10h,10h`',
      example: '1s,10s,1m',
      meaning:
        'The wait after each failed webhook attempt, as durations (`ms`, `s`, `m`, `h`, `d`) separated by commas; after the last one the delivery is `failed`. N delays make N + 1 attempts.',
    }),
    WEBHOOK_DISABLE_AFTER: variable({
      schema: duration(1_000, DEFAULT_WEBHOOK_DISABLE_AFTER_MS),
      default: '`5d`',
      example: '1d',
      meaning:
        'An endpoint whose every attempt has failed for this long is disabled (enable it again with PATCH).',
    }),
    WEBHOOK_POLL_INTERVAL_MS: variable({
      schema: integer(10, 60_000, 500),
      default: '`500`',
      example: '100',
      meaning: 'How often an idle worker looks for due webhook deliveries.',
    }),
    WEBHOOK_CONCURRENCY: variable({
      schema: integer(1, 1000, 32),
      default: '`32`',
      example: '64',
      meaning: 'Webhook attempts a worker process makes at once (beside its mail, which they never hold up).',
    }),
  },
  rules: () => [],
  build: (v) => ({
    allowPrivateNetworks: v.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    timeoutMs: v.WEBHOOK_TIMEOUT_MS,
    retryScheduleMs: v.WEBHOOK_RETRY_SCHEDULE,
    disableAfterMs: v.WEBHOOK_DISABLE_AFTER,
    pollIntervalMs: v.WEBHOOK_POLL_INTERVAL_MS,
    concurrency: v.WEBHOOK_CONCURRENCY,
  }),
});
