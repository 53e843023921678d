/**
 * The entry VS Code loads at activation. It is kept tiny on purpose: the implementation
 * (dist/main.js — the API client, its zod schemas, the engine, the tree) is a separate bundle that is
 * required right after activate() returns, so our start-up never holds up VS Code's activation chain
 * or the extensions activated after us. A command invoked in between waits for it and then runs.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';

type MainModule = typeof import('./vscode/main');

interface ContributedCommand {
  command: string;
}

export function activate(context: vscode.ExtensionContext): void {
  const activatedAt = performance.now();
  const contributes = (context.extension.packageJSON as { contributes?: { commands?: ContributedCommand[] } }).contributes;
  let ready!: () => void;
  let failed!: (e: unknown) => void;
  const loaded = new Promise<void>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  // Placeholders for the contributed commands until the implementation registers the real ones.
  const placeholders = (contributes?.commands ?? []).map(({ command }) =>
    vscode.commands.registerCommand(command, async (...args: unknown[]) => {
      await loaded;
      return vscode.commands.executeCommand(command, ...args);
    }),
  );
  setTimeout(() => {
    for (const p of placeholders) p.dispose();
    try {
      const t0 = performance.now();
      // A path esbuild leaves alone, so dist/main.js stays its own file.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const main = require(path.join(__dirname, 'main.js')) as MainModule;
      main.activateMain(context, { loadMs: performance.now() - t0, activatedAt });
      ready();
    } catch (e) {
      failed(e);
      void vscode.window.showErrorMessage(`Mendix Cloud Migration failed to start: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, 0);
  // A rejected `loaded` with no command waiting must not become an unhandled rejection.
  loaded.catch(() => undefined);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
