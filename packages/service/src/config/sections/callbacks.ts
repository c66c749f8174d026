import { optionalText, url } from '../env-parsers.js';
import { section, variable } from '../variable.js';

export const callbacksSection = section({
  title: 'Status callbacks',
  variables: {
    STATUS_CALLBACK_URL: variable({
      schema: url(['http', 'https']),
      default: 'unset',
      example: 'http://api-gateway:8000/api/v1/notifications/status/',
      meaning: 'Each final status is POSTed here.',
    }),
    STATUS_CALLBACK_SECRET: variable({
      schema: optionalText(),
      default: 'unset',
      example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      meaning: 'Signs callbacks the Standard Webhooks way; needs `STATUS_CALLBACK_URL`.',
      secret: true,
    }),
  },
  rules: (_v, isSet) =>
    isSet('STATUS_CALLBACK_SECRET') && !isSet('STATUS_CALLBACK_URL')
      ? [{ variable: 'STATUS_CALLBACK_SECRET', message: 'is set but STATUS_CALLBACK_URL is not' }]
      : [],
  build: (v) => ({
    /** Where final statuses are POSTed; undefined = no callbacks. */
    url: v.STATUS_CALLBACK_URL,
    secret: v.STATUS_CALLBACK_SECRET,
  }),
});
