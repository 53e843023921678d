import type { LogLevel, LogSink } from '../../src/core/shared/logger';

/** Collects log lines in memory: for tests that assert on what was logged. */
export class MemoryLogSink {
  readonly lines: { level: LogLevel; message: string }[] = [];
  readonly sink: LogSink = (level, message) => {
    this.lines.push({ level, message });
  };
}
