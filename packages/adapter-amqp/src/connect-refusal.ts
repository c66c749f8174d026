import { NotifyError } from '@notify/email-core';

/** The parts of a broker URL a message may name: never the password. */
function whoAndWhere(url: string | undefined): { user: string; vhost: string } {
  try {
    const parsed = new URL(url ?? '');
    const vhost = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '/';
    return { user: decodeURIComponent(parsed.username) || 'guest', vhost };
  } catch {
    return { user: 'guest', vhost: '/' };
  }
}

/**
 * A connection attempt the broker refused for good (the login, or the virtual host), as a
 * CONFIG_INVALID that says what to fix; undefined for anything a later attempt may get past (the
 * broker down or starting, the network). amqplib reports a refused vhost only as
 * "Expected ConnectionOpenOk; got <ConnectionClose …>": the broker closes the connection in answer
 * to connection.open, which it does when the vhost does not exist or the user may not use it.
 */
export function connectRefusal(error: unknown, url: string | undefined): NotifyError | undefined {
  const message = error instanceof Error ? error.message : '';
  const { user, vhost } = whoAndWhere(url);
  if (message.includes('ACCESS-REFUSED') || message.includes('ACCESS_REFUSED')) {
    return new NotifyError(
      'CONFIG_INVALID',
      `RabbitMQ refused the login of user "${user}" (ACCESS_REFUSED): check the user and password of RABBITMQ_URL (or RABBITMQ_USER and RABBITMQ_PASSWORD)`,
      { cause: error, details: [{ path: 'RABBITMQ_URL', message: `user "${user}" was refused` }] },
    );
  }
  if (message.startsWith('Expected ConnectionOpenOk; got <ConnectionClose')) {
    return new NotifyError(
      'CONFIG_INVALID',
      `RabbitMQ refused to open virtual host "${vhost}" for user "${user}": it does not exist or the user may not use it. ` +
        `Create it with \`rabbitmqctl add_vhost ${vhost}\` and allow the user with ` +
        `\`rabbitmqctl set_permissions -p ${vhost} ${user} ".*" ".*" ".*"\`, or fix the vhost of RABBITMQ_URL (or RABBITMQ_VHOST)`,
      { cause: error, details: [{ path: 'RABBITMQ_URL', message: `virtual host "${vhost}" was refused` }] },
    );
  }
  return undefined;
}
