/**
 * The logger the controller kit writes to: the subset of pino it uses, so a pino logger (or any
 * logger with the same shape) can be passed straight in. Keys the kit always sets:
 * `controller` (controller name), `key` (work item), `reconcileId` (one pass), `err` (an Error).
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(obj: LogFields, msg?: string): void;
  info(obj: LogFields, msg?: string): void;
  warn(obj: LogFields, msg?: string): void;
  error(obj: LogFields, msg?: string): void;
  /** A logger that adds `bindings` to every line it writes. */
  child(bindings: LogFields): Logger;
}

/** Discards everything; the default when no logger is given. */
export function silentLogger(): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}
