/**
 * One JSON line per event, so CloudBase's log search can filter by event, orderId or code.
 * Never pass secrets: the sign key is not in any field logged here.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export function jsonLineLogger(write: (line: string) => void = (line) => console.log(line)): Logger {
  const emit = (level: string) => (event: string, fields: LogFields = {}) =>
    write(JSON.stringify({ level, event, ...fields, at: new Date().toISOString() }));
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
