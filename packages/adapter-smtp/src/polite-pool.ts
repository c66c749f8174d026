import SMTPPool from 'nodemailer/lib/smtp-pool';

/**
 * How long a connection that said QUIT waits for the server's 221 before its socket is closed
 * anyway: a server that never answers must not hold a shutdown or a pool slot.
 */
const QUIT_GRACE_MS = 2_000;

/** The parts of nodemailer 10.6's pool internals this file relies on (checked by its tests). */
interface PoolConnection {
  close(): void;
  quit(): void;
  _closing?: boolean;
  _destroyed?: boolean;
  _socket?: { destroyed?: boolean; writable?: boolean };
}
interface PoolResource {
  connection?: PoolConnection;
  messages: number;
  available: boolean;
  _closed: boolean;
  _connected: boolean;
  options: { maxMessages: number };
  close(): void;
  _release(): void;
}

/**
 * Makes the connection's next `close()` a QUIT first: the server sees a client that said goodbye
 * (Postfix otherwise logs "lost connection after RSET" for each recycled connection). The socket
 * closes on the server's reply, or after QUIT_GRACE_MS.
 */
function quitOnNextClose(connection: PoolConnection | undefined): void {
  if (connection === undefined || connection._closing || connection._destroyed) return;
  const socket = connection._socket;
  if (socket === undefined || socket.destroyed || socket.writable === false) return;
  const close = connection.close;
  connection.close = function quitThenClose(this: PoolConnection) {
    connection.close = close;
    setTimeout(() => close.call(connection), QUIT_GRACE_MS).unref();
    // quit() sends QUIT and closes (the restored close) on the reply.
    connection.quit();
  };
}

/**
 * nodemailer's SMTP pool, except that a connection it lets go while idle says QUIT first:
 * one recycled after `maxMessages`, and the idle ones `close()` ends. nodemailer 10.6 closes
 * those sockets without a word (its idle timeout alone quits); a connection closed because
 * something failed is still dropped at once.
 */
export class PoliteSmtpPool extends SMTPPool {
  _createConnection(): PoolResource {
    const resource = (
      SMTPPool.prototype as unknown as { _createConnection(this: SMTPPool): PoolResource }
    )._createConnection.call(this);
    const release = resource._release;
    resource._release = function politeRelease(this: PoolResource) {
      // The last message of a used-up connection went through: its session is idle.
      if (!this._closed && this.messages >= this.options.maxMessages) quitOnNextClose(this.connection);
      release.call(this);
    };
    const closeResource = resource.close;
    resource.close = function politeClose(this: PoolResource) {
      // An available resource is connected and between messages; any other is mid-send or broken.
      if (!this._closed && this.available && this._connected) quitOnNextClose(this.connection);
      closeResource.call(this);
    };
    return resource;
  }
}
