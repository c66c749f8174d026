import { existingDirectory, integer, url } from '../env-parsers.js';
import { section, variable } from '../variable.js';

const MINUTE = 60_000;

export const templatesSection = section({
  title: 'Templates',
  variables: {
    TEMPLATE_SERVICE_URL: variable({
      schema: url(['http', 'https']),
      default: 'unset',
      example: 'http://template-service:8000/templates/',
      meaning: 'Fetch templates over HTTP. Not together with `TEMPLATES_DIR`.',
    }),
    TEMPLATE_SERVICE_TIMEOUT_MS: variable({
      schema: integer(100, MINUTE, 5000),
      default: '`5000`',
      example: '2000',
      meaning: 'Per request to the template service.',
    }),
    TEMPLATE_CACHE_TTL_MS: variable({
      schema: integer(0, 24 * 60 * MINUTE, 60_000),
      default: '`60000`',
      example: '0',
      meaning: 'How long a fetched template is reused; `0` fetches every time.',
    }),
    TEMPLATES_DIR: variable({
      schema: existingDirectory(),
      default: 'the templates shipped in `@notify/email-core`',
      example: '/etc/notify/templates',
      meaning: 'A directory of `<code>/subject.hbs` + `html.hbs` and/or `text.hbs`; must exist.',
    }),
  },
  rules: (_v, isSet) =>
    isSet('TEMPLATE_SERVICE_URL') && isSet('TEMPLATES_DIR')
      ? [{ variable: 'TEMPLATES_DIR', message: 'is set together with TEMPLATE_SERVICE_URL; set only one' }]
      : [],
  build: (v) => ({
    /** The template service; undefined = templates on disk. */
    serviceUrl: v.TEMPLATE_SERVICE_URL,
    timeoutMs: v.TEMPLATE_SERVICE_TIMEOUT_MS,
    cacheTtlMs: v.TEMPLATE_CACHE_TTL_MS,
    /** Handlebars templates on disk; undefined = the templates shipped with the core. */
    dir: v.TEMPLATES_DIR,
  }),
});
