/**
 * `npm run emulator -- --port 4010 --seed demo [--time-scale 60] [--state file.json] [--archive-bytes N] [--package-bytes N] [--link-mbps N] [--latency-ms N] [--host H] [--quiet]`
 * Prints the base URL and the demo credentials, then serves until Ctrl-C or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { SEED_NAMES, type SeedName } from './context';
import { DEMO } from './seeds/demo';
import { startEmulator } from './server';

function num(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: 'demo' },
      'time-scale': { type: 'string' },
      state: { type: 'string' },
      'archive-bytes': { type: 'string' },
      'package-bytes': { type: 'string' },
      'link-mbps': { type: 'string' },
      'latency-ms': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('Usage: npm run emulator -- [--port 4010] [--host 127.0.0.1] [--seed demo|scale|team|empty] [--time-scale N] [--state file.json] [--archive-bytes N] [--package-bytes N] [--link-mbps N] [--latency-ms N] [--quiet]');
    console.log('  --link-mbps / --latency-ms shape archive and package downloads: a rate per connection and a first-byte latency (off by default).');
    return;
  }
  const seed = values.seed as SeedName;
  if (!SEED_NAMES.includes(seed)) throw new Error(`--seed must be one of ${SEED_NAMES.join(', ')}, got ${values.seed}`);
  const emulator = await startEmulator({
    port: num(values.port, 'port'),
    host: values.host,
    seed,
    timeScale: num(values['time-scale'], 'time-scale'),
    stateFile: values.state,
    archiveBytes: num(values['archive-bytes'], 'archive-bytes'),
    packageBytes: num(values['package-bytes'], 'package-bytes'),
    link: { mbps: num(values['link-mbps'], 'link-mbps'), latencyMs: num(values['latency-ms'], 'latency-ms') },
    quiet: values.quiet,
  });
  const b = emulator.baseUrl;
  console.log(`Mendix Cloud emulator listening on ${b}  (seed ${seed}${values.state ? `, state ${values.state}` : ''})`);
  if (values['link-mbps'] ?? values['latency-ms']) console.log(`  Downloads shaped: ${values['link-mbps'] ?? 'unlimited'} Mbit/s per connection, ${values['latency-ms'] ?? 0} ms to the first byte`);
  console.log(`  Deploy API v1 / Build API:   ${b}/api/1`);
  console.log(`  Deploy API v2 / Backups v2:  ${b}/api/v2`);
  console.log(`  Deploy API v4:               ${b}/api/v4`);
  console.log(`  Certificate API:             ${b}/v1/certificates`);
  console.log(`  Portal (no-API steps):       ${b}/_emulator/portal`);
  if (seed !== 'empty') {
    console.log(`Demo credentials: Mendix-Username ${DEMO.username}, Mendix-ApiKey ${DEMO.apiKey}`);
    console.log(`  PATs: ${DEMO.pat} (read+write), ${DEMO.patRead} (read only)`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: shutting down`);
    emulator.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
