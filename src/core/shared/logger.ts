/** A tiny leveled logger with a component tag. The core logs through this; VS Code and the CLI adapt it. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger that prefixes every message with `[component]`. */
  child(component: string): Logger;
}

export type LogSink = (level: LogLevel, message: string) => void;

/** Builds a Logger over any sink; every message passes through `mask` first so no secret leaves. */
export function createLogger(sink: LogSink, mask: (text: string) => string = (t) => t, component?: string): Logger {
  const emit = (level: LogLevel) => (message: string) => sink(level, mask(component ? `[${component}] ${message}` : message));
  return {
    trace: emit('trace'),
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (c) => createLogger(sink, mask, component ? `${component}/${c}` : c),
  };
}
