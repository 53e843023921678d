/** The contract every `mendix-migrate <subcommand>` implements; main.ts only dispatches. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Aborted on Ctrl+C so long-running commands (watch) stop cleanly. */
  signal: AbortSignal;
}

export interface SubCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full usage text for `mendix-migrate <name> --help`. */
  usage: string;
  /** Exit code: 0 success, 1 "not yet"/failure, 2 bad input. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Thrown for bad command-line input; the dispatcher prints it with the usage and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
