/**
 * `npm start`: the extension in a real VS Code against the Mendix Cloud emulator, to try by hand.
 * Builds the extension, installs code-server if needed, starts the emulator (seed "demo", clock
 * 60x) and code-server with the extension's API base URLs pointing at it, prints the URL to open,
 * and runs until Ctrl-C, then stops both.
 *
 *   npm start                         # http://127.0.0.1:<free port>/
 *   npm start -- --port 8080          # a fixed port
 *   npm start -- --host 0.0.0.0       # reachable from other machines (no auth: trusted networks only)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, startCodeServer, type CodeServer } from '../test/e2e/codeServer';

interface Args {
  host: string;
  port: number | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { host: '127.0.0.1', port: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--host') args.host = value();
    else if (a === '--port') args.port = Number(value());
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm start -- [--host 127.0.0.1] [--port N]');
      process.exit(0);
    } else throw new Error(`unknown argument: ${a}`);
  }
  if (args.port !== undefined && !(Number.isInteger(args.port) && args.port > 0 && args.port < 65536)) {
    throw new Error('--port must be a port number');
  }
  return args;
}

function step(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { cwd: projectRoot, stdio: 'inherit' });
}

type Emulator = { baseUrl: string; close(): Promise<void> };

async function startDemoEmulator(): Promise<Emulator | undefined> {
  try {
    const { startEmulator } = await import('../test/emulator/server.js');
    // The extension host runs beside code-server on this machine, so loopback is enough even when
    // the workbench itself is opened wider.
    const emulator = await startEmulator({ host: '127.0.0.1', seed: 'demo', timeScale: 60 });
    // The demo's "Legacy HR" runs Mendix 7.23 on a v3 node, the case the v3 -> v4 guide covers
    // (Mendix 6 and up); the emulator otherwise refuses majors below today's supported ones.
    const res = await fetch(`${emulator.baseUrl}/_emulator/config`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ minSupportedMajor: 6 }),
    });
    if (!res.ok) throw new Error(`emulator config answered ${res.status}`);
    return emulator;
  } catch (e) {
    console.warn(`! the emulator did not start (${e instanceof Error ? e.message : String(e)}); the extension will show no data`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  step('bash', ['scripts/ensure-prereqs.sh']);
  step(process.execPath, ['esbuild.js']);
  step('bash', ['scripts/install-code-server.sh']);

  let emulator: Emulator | undefined;
  let server: CodeServer | undefined;
  let stopping = false;
  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      console.log('\nstopping…');
      await server?.stop().catch(() => undefined);
      await emulator?.close().catch(() => undefined);
    }
    process.exit(code);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void stop(0));

  try {
    emulator = await startDemoEmulator();
    const settings = emulator
      ? {
          'mendixMigration.api.deployBaseUrl': emulator.baseUrl,
          'mendixMigration.api.cloudPortalBaseUrl': emulator.baseUrl,
          'mendixMigration.api.homeBaseUrl': emulator.baseUrl,
          // App URLs (*.mendixcloud.com) do not resolve here: the emulator answers for them by Host header.
          'mendixMigration.migration.appUrlCheck': 'https',
          'mendixMigration.migration.appUrlGateway': emulator.baseUrl,
          'mendixMigration.portal.baseUrl': `${emulator.baseUrl}/_emulator/portal`,
        }
      : {};
    // The emulator starts from its seed every time, so journals and downloads of an earlier demo
    // would describe a world that is gone: each demo starts in an empty workspace.
    const folder = join(projectRoot, '.cache', 'demo-workspace');
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    server = await startCodeServer({ host: args.host, port: args.port, settings, folder });
    const shown = args.host === '0.0.0.0' ? server.workbenchUrl().replace('127.0.0.1', '<this machine>') : server.workbenchUrl();
    console.log('');
    console.log('Mendix Cloud Migration demo');
    console.log(`  open      ${shown}`);
    if (emulator) {
      console.log(`  emulator  ${emulator.baseUrl} (seed "demo", clock x60)`);
      console.log(`  portal    ${emulator.baseUrl}/_emulator/portal (stands in for the Mendix Portal and Support in manual steps)`);
      console.log('  sign in   username demo@example.com, API key demo-api-key, PAT demo-pat');
    }
    console.log(`  logs      ${server.logsDir}`);
    console.log('  Ctrl-C to stop');
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    await stop(1);
  }
  // Keep running until a signal arrives.
  setInterval(() => undefined, 1 << 30);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
