#!/usr/bin/env node
/**
 * `mendix-migrate` — a headless entry to the core. Subcommands live in their own files and are
 * registered in COMMANDS below (one line each).
 */
import { UsageError, type CliIo, type SubCommand } from './command';
import { dnsCommand } from './dnsCommand';
import { doctorCommand } from './doctorCommand';
import { JournalDamagedError } from '../core/migration/journalSchema';
import { MIGRATE_COMMANDS } from './migrateCommands';

export const COMMANDS: readonly SubCommand[] = [
  dnsCommand,
  doctorCommand,
  ...MIGRATE_COMMANDS,
];

export const EXIT_BAD_INPUT = 2;

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: mendix-migrate <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "mendix-migrate <command> --help" for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return name === undefined ? EXIT_BAD_INPUT : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${overview()}`);
    return EXIT_BAD_INPUT;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\nRun "mendix-migrate ${command.name} --help" for the options.`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof JournalDamagedError) {
      // A damaged journal, or one from a newer version, is bad input: nothing ran and nothing changed.
      io.err(`mendix-migrate ${name}: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    io.err(`mendix-migrate ${name}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

if (require.main === module) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const io: CliIo = {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    signal: controller.signal,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
