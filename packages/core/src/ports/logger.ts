/** The pino-compatible subset the core logs through. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

export const LoggerToken = Symbol.for('@notify/Logger');

/**
 * A logger that adds `bindings` to every line, without a child logger. Hot paths log per message
 * only at debug level or when something goes wrong, and a real child per message (pino serialises
 * its bindings when it is made) cost CPU on every message for lines that were never written; a
 * disabled level here costs one small object.
 */
export function withBindings(parent: Logger, bindings: Record<string, unknown>): Logger {
  return {
    debug: (obj, msg) => parent.debug({ ...bindings, ...obj }, msg),
    info: (obj, msg) => parent.info({ ...bindings, ...obj }, msg),
    warn: (obj, msg) => parent.warn({ ...bindings, ...obj }, msg),
    error: (obj, msg) => parent.error({ ...bindings, ...obj }, msg),
    child: (more) => parent.child({ ...bindings, ...more }),
  };
}
