import { boolean } from '../env-parsers.js';
import { section, variable } from '../variable.js';

export const webhooksSection = section({
  title: 'Webhooks',
  variables: {
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: variable({
      schema: boolean(false),
      default: '`false`',
      example: 'true',
      meaning:
        'Allows webhook URLs whose host is a loopback, private, link-local, CGNAT or metadata address (a receiver on your own network). Off, such URLs are refused (`WEBHOOK_URL_FORBIDDEN`).',
    }),
  },
  rules: () => [],
  build: (v) => ({
    allowPrivateNetworks: v.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
  }),
});
