/** The logging the core needs; pino's logger satisfies it, tests pass a silent one. */
export interface Logger {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
  /** A logger whose every line carries `bindings` too (pino's child); optional for simple doubles. */
  child?(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** `logger` with `fields` on every line: its own child when it has one, else a thin wrapper. */
export function withFields(logger: Logger, fields: Record<string, unknown>): Logger {
  if (logger.child) return logger.child(fields);
  return {
    debug: (details, message) => logger.debug({ ...fields, ...details }, message),
    info: (details, message) => logger.info({ ...fields, ...details }, message),
    warn: (details, message) => logger.warn({ ...fields, ...details }, message),
    error: (details, message) => logger.error({ ...fields, ...details }, message),
  };
}
