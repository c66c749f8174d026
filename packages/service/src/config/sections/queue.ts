import { integer, optionalText, url } from '../env-parsers.js';
import { type ConfigProblem, section, variable } from '../variable.js';

/** amqp://user:password@host:port/vhost, every part percent-encoded (the default vhost `/` is `%2F`). */
export function rabbitmqUrlFromParts(parts: {
  host: string;
  port: number;
  user?: string | undefined;
  password?: string | undefined;
  vhost?: string | undefined;
}): string {
  const user = encodeURIComponent(parts.user ?? 'guest');
  const password = encodeURIComponent(parts.password ?? 'guest');
  const vhost = encodeURIComponent(parts.vhost ?? '/');
  const host = parts.host.includes(':') && !parts.host.startsWith('[') ? `[${parts.host}]` : parts.host;
  return `amqp://${user}:${password}@${host}:${parts.port}/${vhost}`;
}

const PARTS = ['RABBITMQ_PORT', 'RABBITMQ_USER', 'RABBITMQ_PASSWORD', 'RABBITMQ_VHOST'] as const;

export const queueSection = section({
  title: 'Queue',
  variables: {
    RABBITMQ_URL: variable({
      schema: url(['amqp', 'amqps']),
      default: 'unset: in-memory',
      example: 'amqp://notify:secret@rabbitmq:5672/email',
      meaning: 'Broker URL (`amqp://` or `amqps://`). Set this **or** the parts below, not both.',
      secret: true,
    }),
    RABBITMQ_HOST: variable({
      schema: optionalText(),
      default: 'unset',
      example: 'rabbitmq',
      meaning: 'Host; setting it enables RabbitMQ, the URL is built from the parts (each percent-encoded).',
    }),
    RABBITMQ_PORT: variable({
      schema: integer(1, 65_535, 5672),
      default: '`5672`',
      example: '5673',
      meaning: 'Broker port.',
    }),
    RABBITMQ_USER: variable({
      schema: optionalText(),
      default: '`guest`',
      example: 'notify',
      meaning: 'User.',
    }),
    RABBITMQ_PASSWORD: variable({
      schema: optionalText(),
      default: '`guest`',
      example: 'secret',
      meaning: 'Password.',
      secret: true,
    }),
    RABBITMQ_VHOST: variable({
      schema: optionalText(),
      default: '`/`',
      example: 'email',
      meaning: 'Virtual host.',
    }),
  },
  rules: (_v, isSet) => {
    const problems: ConfigProblem[] = [];
    for (const part of PARTS) {
      if (isSet(part) && !isSet('RABBITMQ_HOST') && !isSet('RABBITMQ_URL')) {
        problems.push({ variable: part, message: 'is set but RABBITMQ_HOST is not' });
      }
    }
    if (isSet('RABBITMQ_URL') && isSet('RABBITMQ_HOST')) {
      problems.push({
        variable: 'RABBITMQ_HOST',
        message: 'is set together with RABBITMQ_URL; set only one',
      });
    }
    return problems;
  },
  build: (v) => ({
    /** From RABBITMQ_URL or built from RABBITMQ_HOST & co.; undefined = the in-memory queue. */
    url:
      v.RABBITMQ_URL ??
      (v.RABBITMQ_HOST === undefined
        ? undefined
        : rabbitmqUrlFromParts({
            host: v.RABBITMQ_HOST,
            port: v.RABBITMQ_PORT,
            user: v.RABBITMQ_USER,
            password: v.RABBITMQ_PASSWORD,
            vhost: v.RABBITMQ_VHOST,
          })),
  }),
});
