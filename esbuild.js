// @ts-check
// Builds the extension (Node/CJS, `vscode` external), the CLI and the webview bundles (browser).
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');
const { buildChunks } = require('./scripts/cjsChunks');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * Node bundles. The extension host loads the tiny entry (src/extension.ts) at activation and the
 * implementation (dist/main.js) right after it; what the implementation requires lazily (a `require()`
 * of one of our modules) goes into chunks loaded on first use (scripts/cjsChunks.js). The CLI is
 * chunked the same way, so `tar` loads only when an archive is checked.
 */
const entries = ['src/extension.ts', 'src/vscode/main.ts', 'src/cli/main.ts', 'src/core/mendix/transfer/tarCheck.ts'];
// A moved entry must fail the build, not vanish from dist/.
for (const e of entries) if (!fs.existsSync(e)) throw new Error(`esbuild.js: entry ${e} does not exist`);

/** @type {import('./scripts/cjsChunks').Chunk[]} */
const extensionChunks = [
  { out: 'main', entries: ['src/vscode/main.ts'] },
  // What the two views read as soon as they are shown: the journals list, then the API client.
  { out: 'chunks/journals', lazy: /\/core\/ui\/migrations\/(journalList|migrationNodes)\.ts$/ },
  { out: 'chunks/api', lazy: /\/vscode\/kit\/apiServices\.ts$|\/core\/mendix\/api\/mendixClient\.ts$/ },
  // The rest: the engine and its commands, the custom-domain check. Before the panel, which uses it.
  { out: 'chunks/engine', rest: true },
  // The webview panel's host (with the DNS propagation watch).
  { out: 'chunks/panel', lazy: /\/vscode\/panel\// },
  // The backup-archive check's tar reader.
  { out: 'chunks/tarCheck', lazy: /\/transfer\/tarCheck\.ts$/ },
];
/** @type {import('./scripts/cjsChunks').Chunk[]} */
const cliChunks = [
  { out: 'cli', entries: ['src/cli/main.ts'], banner: '#!/usr/bin/env node' },
  { out: 'cli-chunks/tarCheck', lazy: /\/transfer\/tarCheck\.ts$/ },
];
/** zod (and our one module that configures it): every chunk that validates gets its own copy, tree-shaken to what it uses. */
const copied = /[\\/]node_modules[\\/]zod[\\/]|[\\/]core[\\/]shared[\\/]zod\.ts$/;

/** Browser bundles for webviews: every src/webview/<name>/main.ts becomes dist/webview/<name>.js. */
const webviewRoot = 'src/webview';
const webviewEntries = fs.existsSync(webviewRoot)
  ? fs
      .readdirSync(webviewRoot, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(webviewRoot, d.name, 'main.ts')))
      .map((d) => ({ in: path.join(webviewRoot, d.name, 'main.ts'), out: `webview/${d.name}` }))
  : [];

/**
 * Drops code that is bundled but never runs here: zod's translated error messages (we only use
 * English) and the MIME database that axios' legacy `form-data` path pulls in (we send no FormData:
 * the package upload streams its own multipart body, see src/core/mendix/transfer/packageUpload.ts).
 * @type {import('esbuild').Plugin} */
const slim = {
  name: 'slim',
  setup(build) {
    build.onResolve({ filter: /locales[\\/]index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'slim' } : undefined,
    );
    build.onResolve({ filter: /^mime-db$/ }, () => ({ path: 'mime-db', namespace: 'slim' }));
    build.onLoad({ filter: /.*/, namespace: 'slim' }, (args) => ({
      contents: args.path === 'mime-db' ? 'module.exports = {};' : 'export {};',
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  minify: production,
  // Development builds inline their maps; the .vsix ships no maps (.vscodeignore), so production
  // builds write none and link none.
  sourcemap: production ? /** @type {const} */ (false) : /** @type {const} */ ('inline'),
  logLevel: /** @type {const} */ ('warning'),
  outdir: 'dist',
};
/** @type {import('esbuild').BuildOptions} */
const nodeOptions = { ...common, plugins: [slim], platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };

/** Builds everything once; writes dist/meta.json (the extension's chunks) for size analysis. */
async function buildAll() {
  // The journal's JSON Schema ships inside dist/ (contributes.jsonValidation points there).
  fs.mkdirSync('dist/schemas', { recursive: true });
  for (const f of fs.readdirSync('schemas')) fs.copyFileSync(path.join('schemas', f), path.join('dist/schemas', f));
  // Chunks of an earlier build must not linger (a chunk that is gone would still ship).
  fs.rmSync('dist/chunks', { recursive: true, force: true });
  await esbuild.build({ ...nodeOptions, entryPoints: [{ in: 'src/extension.ts', out: 'extension' }] });
  const metafiles = await buildChunks({ chunks: extensionChunks, copied, options: nodeOptions });
  /** @type {import('esbuild').Metafile} */
  const meta = { inputs: {}, outputs: {} };
  for (const m of metafiles) {
    Object.assign(meta.inputs, m.inputs);
    Object.assign(meta.outputs, m.outputs);
  }
  fs.writeFileSync('dist/meta.json', JSON.stringify(meta));
  await buildChunks({ chunks: cliChunks, copied, options: nodeOptions });
  fs.chmodSync('dist/cli.js', 0o755);
  if (webviewEntries.length > 0) {
    await esbuild.build({ ...common, entryPoints: webviewEntries, platform: 'browser', format: 'iife', target: 'es2022' });
  }
}

async function main() {
  await buildAll();
  if (!watch) return;
  // Chunk boundaries depend on the whole import graph, so a change rebuilds everything (about a second).
  let timer = /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined);
  fs.watch('src', { recursive: true }, () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      console.log('[watch] build started');
      buildAll().then(
        () => console.log('[watch] build finished'),
        (/** @type {unknown} */ e) => {
          console.error(`✘ [ERROR] ${e instanceof Error ? e.message : String(e)}`);
          console.log('[watch] build finished');
        },
      );
    }, 100);
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
