import { boolean, integer, oneOf, optionalText, sender } from '../env-parsers.js';
import { type ConfigProblem, section, variable } from '../variable.js';

const MINUTE = 60_000;

export interface SmtpConfig {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (EMAIL_USE_SSL, usually port 465). */
  secure: boolean;
  /** STARTTLS required (EMAIL_USE_TLS, usually port 587). */
  requireTLS: boolean;
  auth: { user: string; pass: string } | undefined;
  poolSize: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
}

const timeout = (fallback: number, meaning: string, example: string) =>
  variable({ schema: integer(100, 10 * MINUTE, fallback), default: `\`${fallback}\``, example, meaning });

export const emailSection = section({
  title: 'Email',
  variables: {
    EMAIL_TRANSPORT: variable({
      schema: oneOf(['smtp', 'eml'] as const),
      default: '`smtp` with `EMAIL_HOST`, else `eml` on the in-memory store',
      example: 'eml',
      meaning:
        'How mail leaves: `smtp` through `EMAIL_HOST`, or `eml`, one `.eml` file per message in `OUTBOX_DIR` and nothing delivered. On a shared store (`DATABASE_URL`), a process that sends refuses to start without `EMAIL_HOST` unless `eml` is asked for here by name.',
    }),
    EMAIL_HOST: variable({
      schema: optionalText(),
      default: 'unset: `.eml` files',
      example: 'smtp.gmail.com',
      meaning: 'SMTP server.',
    }),
    EMAIL_PORT: variable({
      schema: integer(1, 65_535, undefined),
      default: '`587` with TLS, `465` with SSL, else `25`',
      example: '587',
      meaning: 'SMTP port.',
    }),
    EMAIL_USE_TLS: variable({
      schema: boolean(false),
      default: '`false`',
      example: 'True',
      meaning: "Require STARTTLS (Django's meaning; usually port 587).",
    }),
    EMAIL_USE_SSL: variable({
      schema: boolean(false),
      default: '`false`',
      example: 'true',
      meaning: 'Implicit TLS from the first byte (usually port 465). Not together with `EMAIL_USE_TLS`.',
    }),
    EMAIL_HOST_USER: variable({
      schema: optionalText(),
      default: 'unset',
      example: 'mailer@example.com',
      meaning: 'SMTP AUTH user; needs `EMAIL_HOST_PASSWORD`.',
    }),
    EMAIL_HOST_PASSWORD: variable({
      schema: optionalText(),
      default: 'unset',
      example: 'app-password',
      meaning: 'SMTP AUTH password; needs `EMAIL_HOST_USER`.',
      secret: true,
    }),
    EMAIL_FROM: variable({
      schema: sender(),
      default: '`noreply@example.com` (required with `EMAIL_HOST`)',
      example: 'Example <noreply@example.com>',
      meaning: 'Sender; its domain ends every `Message-ID`.',
    }),
    SMTP_POOL_SIZE: variable({
      schema: integer(1, 100, 10),
      default: '`10`',
      example: '20',
      meaning: 'Pooled SMTP connections per worker process.',
    }),
    SMTP_CONNECTION_TIMEOUT_MS: timeout(10_000, 'TCP (and implicit TLS) connect timeout.', '5000'),
    SMTP_GREETING_TIMEOUT_MS: timeout(10_000, "Wait for the server's greeting.", '5000'),
    SMTP_SOCKET_TIMEOUT_MS: timeout(30_000, 'Silence on an open connection before it is dropped.', '60000'),
    OUTBOX_DIR: variable({
      schema: optionalText(),
      default: 'a new temp folder (`notify-outbox-*`), removed at exit if no mail was written to it',
      example: './outbox',
      meaning: 'Where `.eml` files go when `EMAIL_HOST` is unset; created if missing.',
    }),
  },
  rules: (v, isSet) => {
    const problems: ConfigProblem[] = [];
    if (v.EMAIL_TRANSPORT === 'smtp' && !isSet('EMAIL_HOST')) {
      problems.push({ variable: 'EMAIL_HOST', message: 'is required when EMAIL_TRANSPORT is smtp' });
    }
    if (v.EMAIL_TRANSPORT === 'eml' && isSet('EMAIL_HOST')) {
      problems.push({
        variable: 'EMAIL_TRANSPORT',
        message: 'is eml while EMAIL_HOST is set; unset EMAIL_HOST to write .eml files, or choose smtp',
      });
    }
    if (v.EMAIL_USE_TLS && v.EMAIL_USE_SSL) {
      problems.push({
        variable: 'EMAIL_USE_SSL',
        message:
          'is true together with EMAIL_USE_TLS; choose SSL (implicit TLS, port 465) or TLS (STARTTLS, port 587)',
      });
    }
    if (isSet('EMAIL_HOST_USER') !== isSet('EMAIL_HOST_PASSWORD')) {
      const missing = isSet('EMAIL_HOST_USER') ? 'EMAIL_HOST_PASSWORD' : 'EMAIL_HOST_USER';
      problems.push({ variable: missing, message: 'is required when the other SMTP credential is set' });
    }
    if (isSet('EMAIL_HOST') && !isSet('EMAIL_FROM')) {
      problems.push({ variable: 'EMAIL_FROM', message: 'is required when EMAIL_HOST is set' });
    }
    return problems;
  },
  build: (v) => {
    const defaultPort = v.EMAIL_USE_SSL ? 465 : v.EMAIL_USE_TLS ? 587 : 25;
    const smtp: SmtpConfig | undefined =
      v.EMAIL_HOST === undefined
        ? undefined
        : {
            host: v.EMAIL_HOST,
            port: v.EMAIL_PORT ?? defaultPort,
            secure: v.EMAIL_USE_SSL,
            requireTLS: v.EMAIL_USE_TLS,
            auth:
              v.EMAIL_HOST_USER && v.EMAIL_HOST_PASSWORD
                ? { user: v.EMAIL_HOST_USER, pass: v.EMAIL_HOST_PASSWORD }
                : undefined,
            poolSize: v.SMTP_POOL_SIZE,
            connectionTimeoutMs: v.SMTP_CONNECTION_TIMEOUT_MS,
            greetingTimeoutMs: v.SMTP_GREETING_TIMEOUT_MS,
            socketTimeoutMs: v.SMTP_SOCKET_TIMEOUT_MS,
          };
    return {
      /** The transport was asked for by name (EMAIL_TRANSPORT), not implied by EMAIL_HOST being unset. */
      transportNamed: v.EMAIL_TRANSPORT !== undefined,
      from: v.EMAIL_FROM ?? 'noreply@example.com',
      /** The SMTP relay; undefined = `.eml` files in `outboxDir`. */
      smtp,
      /** Where the `.eml` transport writes when no SMTP host is set; undefined = a temp folder. */
      outboxDir: v.OUTBOX_DIR,
    };
  },
});
