/**
 * Starts a real VS Code (code-server, installed by scripts/install-code-server.sh) on a free
 * loopback port with a fresh user-data and extensions folder and the built extension installed.
 * Used by the e2e specs, the extension-host runner, the benchmarks and the demo.
 *
 * Every server started here runs in its own process group, which `stop()` ends by its id; the
 * groups still alive when this process exits or is interrupted are ended too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';

/** The project root (this file lives in test/e2e/). */
export const projectRoot = resolve(__dirname, '..', '..');

/** What goes into the installed extension folder: what the .vsix ships (see .vscodeignore). */
const EXTENSION_FILES = ['package.json', 'dist', 'media', 'README.md', 'CHANGELOG.md', 'LICENSE'];

/** Settings that keep a fresh workbench quiet and predictable; the caller's settings win. */
const BASE_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
};

export interface CodeServerOptions {
  /** Extra user settings written to `User/settings.json` before start. */
  settings?: Record<string, unknown>;
  /** Folder the workbench opens; a fresh empty temp folder when omitted, none when `null`. */
  folder?: string | null;
  /** Install the built extension into the extensions folder (default true). */
  installExtension?: boolean;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Port (default: a free one). */
  port?: number;
  /** code-server's `--log` level (default `info`). */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Extra command-line arguments for code-server. */
  args?: string[];
  /** Extra environment for code-server (its extension host inherits it). */
  env?: Record<string, string>;
  /** Name used for the copy of the logs kept under test-results/logs/ after stop (default: none kept). */
  keepLogsAs?: string;
  /** Milliseconds to wait for the server to answer (default 60 s). */
  startTimeoutMs?: number;
}

export interface CodeServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** PID of the code-server process (also its process-group id). */
  readonly pid: number;
  /** The temp folder holding everything of this run. */
  readonly dir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** Where code-server writes its logs (`<user-data-dir>/logs`); one dated subfolder per start. */
  readonly logsDir: string;
  /** code-server's own stdout/stderr. */
  readonly serverLogFile: string;
  /** The installed extension folder, when installed. */
  readonly extensionDir: string | undefined;
  /** The workspace folder, when any. */
  readonly folder: string | undefined;
  /** URL of the workbench, with the folder and optional payload (see `workbenchUrl`). */
  workbenchUrl(opts?: { folder?: string | null; payload?: [string, string][] }): string;
  /** Turns an absolute path on this machine into the `vscode-remote://` URI the workbench uses. */
  remoteUri(absPath: string): string;
  /** Stops the server and its children (idempotent) and removes the temp folder. */
  stop(): Promise<void>;
}

/** Path of code-server's entry.js in the project cache; throws with the fix when not installed. */
export function codeServerEntry(root: string = projectRoot): string {
  const base = join(root, '.cache', `code-server-${CODE_SERVER_VERSION}`);
  const entry = join(base, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(join(base, '.installed')) || !existsSync(entry)) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed: run bash scripts/install-code-server.sh`);
  }
  return entry;
}

/** The extension's folder name in an extensions dir: `<publisher>.<name>-<version>`. */
export function extensionFolderName(root: string = projectRoot): { id: string; folderName: string; version: string } {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const id = `${pkg.publisher}.${pkg.name}`;
  return { id, folderName: `${id}-${pkg.version}`, version: pkg.version };
}

/** Copies the built extension (as the .vsix would ship it) into `extensionsDir`. */
export function installBuiltExtension(extensionsDir: string, root: string = projectRoot): string {
  if (!existsSync(join(root, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run npm run build first');
  }
  const dest = join(extensionsDir, extensionFolderName(root).folderName);
  mkdirSync(dest, { recursive: true });
  for (const f of EXTENSION_FILES) {
    const src = join(root, f);
    if (existsSync(src)) cpSync(src, join(dest, f), { recursive: true });
  }
  return dest;
}

/** A port that was free a moment ago on `host`. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', rej);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** Answers the HTTP status of GET url, or 0 when nothing answers. */
function httpStatus(url: string): Promise<number> {
  return new Promise((res) => {
    const req = get(url, { timeout: 2000 }, (r) => {
      r.resume();
      res(r.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(0));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- bookkeeping: end what we started, whatever way this process ends ---
/** Process groups of servers still running (removed as soon as the server exits). */
const liveGroups = new Set<number>();
/** Temp folders of servers not stopped yet. */
const liveDirs = new Set<string>();
let hooksInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function endAll(): void {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
  if (!process.env.E2E_KEEP_TMP) for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', endAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      endAll();
      // When nobody else handles the signal, keep its default meaning: end this process.
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((res) => {
    const t = setTimeout(() => res(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      res(true);
    });
  });
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts code-server and resolves once it answers HTTP. */
export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  const entry = codeServerEntry();
  const host = opts.host ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'mcm-code-server-'));
  const userDataDir = join(dir, 'user-data');
  const extensionsDir = join(dir, 'extensions');
  const logsDir = join(userDataDir, 'logs');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...opts.settings }, null, 2));
  const extensionDir = opts.installExtension === false ? undefined : installBuiltExtension(extensionsDir);
  let folder: string | undefined;
  if (opts.folder === undefined) {
    folder = join(dir, 'workspace');
    mkdirSync(folder, { recursive: true });
  } else if (opts.folder !== null) {
    folder = opts.folder;
  }
  const serverLogFile = join(dir, 'code-server.log');
  installExitHooks();

  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = opts.port ?? (await freePort(host));
    const out = openSync(serverLogFile, 'a');
    const child = spawn(
      process.execPath,
      [
        entry,
        '--auth', 'none',
        '--bind-addr', `${host}:${port}`,
        '--user-data-dir', userDataDir,
        '--extensions-dir', extensionsDir,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--log', opts.logLevel ?? 'info',
        ...(opts.args ?? []),
      ],
      // Own process group, so stop() can end code-server with its extension host and helpers.
      {
        detached: true,
        stdio: ['ignore', out, out],
        // Keep code-server's default config.yaml and data out of the user's home.
        env: { ...process.env, ...opts.env, XDG_CONFIG_HOME: join(dir, 'xdg-config'), XDG_DATA_HOME: join(dir, 'xdg-data') },
      },
    );
    closeSync(out);
    const pid = child.pid;
    if (pid === undefined) throw new Error('code-server did not start');
    liveGroups.add(pid);
    liveDirs.add(dir);
    child.once('exit', () => liveGroups.delete(pid));

    const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    let up = false;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      if ((await httpStatus(`${url}/healthz`)) === 200) {
        up = true;
        break;
      }
      await sleep(100);
    }
    if (!up) {
      killGroup(pid, 'SIGKILL');
      await waitForExit(child, 5000);
      liveGroups.delete(pid);
      lastError = tail(serverLogFile);
      // Someone took the port between our probe and code-server's bind: try another one.
      if (/EADDRINUSE/.test(lastError) && opts.port === undefined) continue;
      liveDirs.delete(dir);
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`code-server did not answer on ${url}:\n${lastError}`);
    }

    let stopped = false;
    const server: CodeServer = {
      url,
      host,
      port,
      pid,
      dir,
      userDataDir,
      extensionsDir,
      logsDir,
      serverLogFile,
      extensionDir,
      folder,
      remoteUri(absPath: string): string {
        return `vscode-remote://${host}:${port}${absPath.split('/').map(encodeURIComponent).join('/')}`;
      },
      workbenchUrl(o = {}): string {
        const params = new URLSearchParams();
        const f = o.folder === undefined ? folder : o.folder;
        if (f !== null && f !== undefined) params.set('folder', f);
        if (o.payload) params.set('payload', JSON.stringify(o.payload));
        const q = params.toString();
        return q ? `${url}/?${q}` : `${url}/`;
      },
      async stop(): Promise<void> {
        if (stopped) return;
        stopped = true;
        killGroup(pid, 'SIGTERM');
        if (!(await waitForExit(child, 5000))) {
          killGroup(pid, 'SIGKILL');
          await waitForExit(child, 5000);
        }
        // Helpers that outlived the parent still carry the group id.
        killGroup(pid, 'SIGKILL');
        liveGroups.delete(pid);
        if (opts.keepLogsAs) keepLogs(server, opts.keepLogsAs);
        liveDirs.delete(dir);
        if (!process.env.E2E_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
      },
    };
    return server;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`code-server could not bind a port:\n${lastError}`);
}

/** Copies the run's logs to test-results/logs/<name>/ so a failed CI run can be read afterwards. */
function keepLogs(server: CodeServer, name: string): void {
  const dest = join(projectRoot, 'test-results', 'logs', name);
  try {
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    if (existsSync(server.logsDir)) cpSync(server.logsDir, join(dest, 'vscode'), { recursive: true });
    if (existsSync(server.serverLogFile)) cpSync(server.serverLogFile, join(dest, 'code-server.log'));
  } catch {
    // Logs are a diagnostic aid only.
  }
}

/** All files under `dir` (recursively) whose name matches `pattern`, newest first. */
export function findFiles(dir: string, pattern: RegExp): string[] {
  const found: { path: string; mtime: number }[] = [];
  const walk = (d: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (pattern.test(name)) found.push({ path: p, mtime: st.mtimeMs });
    }
  };
  walk(dir);
  return found.sort((a, b) => b.mtime - a.mtime).map((f) => f.path);
}

/** The text of the extension-host logs this server wrote so far ('' when none yet). */
export function readExtensionHostLog(server: CodeServer): string {
  return findFiles(server.logsDir, /^(remote)?exthost\.log$/)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

/** Waits until the extension-host log matches `pattern`; returns the log text. */
export async function waitForExtensionHostLog(server: CodeServer, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = readExtensionHostLog(server);
    if (pattern.test(text)) return text;
    await sleep(200);
  }
  throw new Error(`extension-host log did not match ${String(pattern)} within ${timeoutMs} ms:\n${text.split('\n').slice(-40).join('\n')}`);
}

/** The text of the log of an output channel created with `{ log: true }` ('' when not written yet). */
export function readOutputChannelLog(server: CodeServer, channelName: string): string {
  return findFiles(server.logsDir, new RegExp(`^${channelName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.log$`))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

/** Lines at `[error]` level in any log of this server that mention `needle` (case-insensitive). */
export function errorLinesMentioning(server: CodeServer, needle: string): string[] {
  const lower = needle.toLowerCase();
  return findFiles(server.logsDir, /\.log$/)
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .filter((l) => /\[error\]/.test(l) && l.toLowerCase().includes(lower));
}
