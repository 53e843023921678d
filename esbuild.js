// @ts-check
// Builds the extension (Node/CJS, `vscode` external), the CLI and the webview bundles (browser).
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * Node bundles: the extension host's tiny entry, the implementation it loads right after activation
 * (see src/extension.ts), and the headless CLI.
 */
const nodeEntries = [
  { in: 'src/extension.ts', out: 'extension' },
  { in: 'src/vscode/main.ts', out: 'main' },
  { in: 'src/cli/main.ts', out: 'cli' },
  // The backup-archive check's tar reader, loaded only when an archive is checked (see lazyModules).
  { in: 'src/core/mendix/transfer/tarCheck.ts', out: 'tarCheck' },
];
// A moved entry must fail the build, not vanish from dist/ (a missing tarCheck.js only shows when a backup is checked).
for (const e of nodeEntries) if (!fs.existsSync(e.in)) throw new Error(`esbuild.js: entry ${e.in} does not exist`);

/**
 * Modules that are their own file in dist/ and required at run time only when first used: a
 * `require('./tarCheck')` stays a require of dist/tarCheck.js instead of pulling tar into every bundle.
 * @type {import('esbuild').Plugin} */
const lazyModules = {
  name: 'lazy-modules',
  setup(build) {
    build.onResolve({ filter: /^\.\/tarCheck$/ }, (args) =>
      args.importer.endsWith(path.join('transfer', 'verifyBackupArchive.ts')) ? { path: './tarCheck.js', external: true } : undefined,
    );
  },
};

/** Browser bundles for webviews: every src/webview/<name>/main.ts becomes dist/webview/<name>.js. */
const webviewRoot = 'src/webview';
const webviewEntries = fs.existsSync(webviewRoot)
  ? fs
      .readdirSync(webviewRoot, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(webviewRoot, d.name, 'main.ts')))
      .map((d) => ({ in: path.join(webviewRoot, d.name, 'main.ts'), out: `webview/${d.name}` }))
  : [];

/** Logs build results in the format the VS Code esbuild problem matcher expects.
 * @type {import('esbuild').Plugin} */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

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
  sourcemap: production ? false : 'inline',
  logLevel: 'warning',
  outdir: 'dist',
  plugins: watch ? [problemMatcher, slim, lazyModules] : [slim, lazyModules],
};

async function main() {
  const contexts = [
    await esbuild.context({
      ...common,
      entryPoints: nodeEntries,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      metafile: true,
    }),
  ];
  if (webviewEntries.length > 0) {
    contexts.push(
      await esbuild.context({ ...common, entryPoints: webviewEntries, platform: 'browser', format: 'iife', target: 'es2022' }),
    );
  }
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  // The journal's JSON Schema ships inside dist/ (contributes.jsonValidation points there).
  fs.mkdirSync('dist/schemas', { recursive: true });
  for (const f of fs.readdirSync('schemas')) fs.copyFileSync(path.join('schemas', f), path.join('dist/schemas', f));
  for (const ctx of contexts) {
    const result = await ctx.rebuild();
    if (result.metafile) fs.writeFileSync('dist/meta.json', JSON.stringify(result.metafile));
    await ctx.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
