// @ts-check
/**
 * Code splitting for a CommonJS bundle. esbuild splits only ESM output, while our lazy seams are
 * synchronous `require()` calls (the API client, the engine, the panel host, the tar reader), so:
 *
 * - a chunk is built from its entries; every `require()` of one of our modules is a seam, and its
 *   target becomes an entry of the first chunk whose `lazy` pattern matches it (else of the `rest` one);
 * - a module of ours belongs to the first chunk (in the given order) that reaches it through static
 *   imports, so a chunk's static imports only ever lead to earlier chunks (no load cycles);
 * - a chunk exports the modules other chunks use as namespaces `m<N>`, and an import of a module
 *   owned by another chunk becomes `require('<that chunk>').m<N>`: one copy of each of our modules
 *   at run time (one class identity for `instanceof`), loaded by the first require that needs it.
 *
 * Packages are shared the same way. `copied` modules are bundled into every chunk that uses them
 * instead, so tree shaking still drops the parts a chunk does not use (a shared namespace keeps all):
 * right for a large ESM package used through a few functions (zod), wrong for anything with state.
 */
const esbuild = require('esbuild');
const path = require('node:path');

/**
 * @typedef {{ out: string, entries?: string[], lazy?: RegExp, rest?: boolean, banner?: string }} Chunk
 * @typedef {{ chunks: Chunk[], copied?: RegExp, options: import('esbuild').BuildOptions }} ChunkedBuild
 */

const SKIP = Symbol('cjs-chunks: resolving');

/** A file shared across chunks (bundled once, in its owner) unless `copied`. */
function isShared(/** @type {string} */ file, /** @type {RegExp | undefined} */ copied) {
  return path.isAbsolute(file) && !(copied && copied.test(file));
}

/** Our own source, where a `require()` is a lazy seam (in a package it is just how CommonJS imports). */
function isSource(/** @type {string} */ file) {
  return path.isAbsolute(file) && !file.includes(`${path.sep}node_modules${path.sep}`);
}

/**
 * Resolves an import the way esbuild would, for plugins that need the file behind a specifier.
 * @param {import('esbuild').PluginBuild} build @param {import('esbuild').OnResolveArgs} args
 */
async function resolveFile(build, args) {
  const r = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: SKIP });
  return r.errors.length === 0 && !r.external ? r.path : undefined;
}

/**
 * The static closure of a chunk's entries, with the `require()` seams cut and recorded.
 * @param {ChunkedBuild} cfg @param {string[]} entries
 */
async function closure(cfg, entries) {
  /** @type {Set<string>} */ const seams = new Set();
  /** @type {Map<string, Set<string>>} */ const edges = new Map();
  const result = await esbuild.build({
    ...cfg.options,
    entryPoints: entries,
    write: false,
    metafile: true,
    minify: false,
    sourcemap: false,
    outdir: path.resolve('.chunks-scan'),
    plugins: [
      ...(cfg.options.plugins ?? []),
      {
        name: 'cjs-chunks-scan',
        setup(build) {
          build.onResolve({ filter: /.*/ }, async (args) => {
            if (args.pluginData === SKIP || args.kind === 'entry-point' || !isShared(args.importer, cfg.copied)) return undefined;
            const file = await resolveFile(build, args);
            if (!file || !isShared(file, cfg.copied)) return undefined;
            if (!edges.has(args.importer)) edges.set(args.importer, new Set());
            edges.get(args.importer)?.add(file);
            if (args.kind !== 'require-call' || !isSource(args.importer) || !isSource(file)) return { path: file };
            seams.add(file);
            return { path: file, external: true };
          });
        },
      },
    ],
  });
  const modules = new Set(Object.keys(result.metafile.inputs).map((f) => path.resolve(f)).filter((f) => isShared(f, cfg.copied)));
  return { modules, seams, edges };
}

/**
 * Works out which chunk owns which module, then builds every chunk.
 * @param {ChunkedBuild} cfg
 * @returns {Promise<import('esbuild').Metafile[]>}
 */
async function buildChunks(cfg) {
  const chunks = cfg.chunks.map((c) => ({ ...c, files: new Set((c.entries ?? []).map((e) => path.resolve(e))) }));
  /** @type {Map<string, Awaited<ReturnType<typeof closure>>>} */ const scans = new Map();
  // Seams found in one chunk become entries of another; repeat until nothing new turns up.
  for (let changed = true; changed; ) {
    changed = false;
    for (const c of chunks) {
      if (c.files.size === 0) continue;
      const scan = await closure(cfg, [...c.files]);
      scans.set(c.out, scan);
      for (const seam of scan.seams) {
        if (chunks.some((d) => d.files.has(seam))) continue;
        const home = chunks.find((d) => d.lazy?.test(seam.split(path.sep).join('/'))) ?? chunks.find((d) => d.rest);
        if (!home) throw new Error(`cjs-chunks: ${path.relative('.', seam)} is required lazily but no chunk's lazy pattern matches it`);
        home.files.add(seam);
        changed = true;
      }
    }
  }
  /** @type {Map<string, string>} module → chunk out */ const owner = new Map();
  for (const c of chunks) for (const m of scans.get(c.out)?.modules ?? []) if (!owner.has(m)) owner.set(m, c.out);
  /** Modules used across chunks, each with its export name. */
  /** @type {Map<string, string>} */ const shared = new Map();
  for (const scan of scans.values()) {
    for (const [from, tos] of scan.edges) {
      for (const to of tos) if (owner.get(from) !== owner.get(to) && !shared.has(to)) shared.set(to, `m${shared.size}`);
    }
  }
  /** @type {import('esbuild').Metafile[]} */ const metafiles = [];
  for (const c of chunks) {
    if (c.files.size === 0) continue;
    const mine = [...shared].filter(([m]) => owner.get(m) === c.out);
    const main = c.entries?.[0];
    const entry = [
      ...(main ? [`export * from ${JSON.stringify(path.resolve(main))};`] : []),
      ...mine.map(([m, name]) => `export * as ${name} from ${JSON.stringify(m)};`),
    ].join('\n');
    const outFile = path.join(cfg.options.outdir ?? 'dist', `${c.out}.js`);
    const result = await esbuild.build({
      ...cfg.options,
      entryPoints: undefined,
      outdir: undefined,
      outfile: outFile,
      stdin: { contents: entry, resolveDir: process.cwd(), sourcefile: `${c.out}.chunk.js`, loader: 'js' },
      metafile: true,
      banner: c.banner ? { js: c.banner } : undefined,
      plugins: [
        ...(cfg.options.plugins ?? []),
        {
          name: 'cjs-chunks',
          setup(build) {
            build.onResolve({ filter: /.*/ }, async (args) => {
              if (args.pluginData === SKIP || args.kind === 'entry-point' || args.namespace === 'chunk-ref') return undefined;
              if (args.importer !== `${c.out}.chunk.js` && !isShared(args.importer, cfg.copied)) return undefined;
              const file = await resolveFile(build, args);
              if (!file || !isShared(file, cfg.copied)) return undefined;
              const home = owner.get(file);
              if (home === undefined) throw new Error(`cjs-chunks: ${path.relative('.', file)} belongs to no chunk`);
              if (home === c.out) return { path: file };
              const name = shared.get(file);
              if (!name) throw new Error(`cjs-chunks: ${path.relative('.', file)} is used from chunk ${c.out} but not exported by ${home}`);
              let spec = path.relative(path.dirname(outFile), path.join(cfg.options.outdir ?? 'dist', `${home}.js`)).split(path.sep).join('/');
              if (!spec.startsWith('.')) spec = `./${spec}`;
              return { path: `${spec}#${name}`, namespace: 'chunk-ref' };
            });
            build.onResolve({ filter: /.*/, namespace: 'chunk-ref' }, (args) => ({ path: args.path, external: true }));
            build.onLoad({ filter: /.*/, namespace: 'chunk-ref' }, (args) => {
              const [spec, name] = args.path.split('#');
              // A live view of the other chunk's module, marked as ESM so default imports keep working.
              const contents = [
                `var ns = require(${JSON.stringify(spec)}).${name};`,
                'Object.defineProperty(exports, "__esModule", { value: true });',
                'Object.keys(ns).forEach(function (k) { if (k !== "__esModule") Object.defineProperty(exports, k, { enumerable: true, get: function () { return ns[k]; } }); });',
              ].join('\n');
              return { contents, loader: 'js', resolveDir: process.cwd() };
            });
          },
        },
      ],
    });
    if (result.metafile) metafiles.push(result.metafile);
  }
  return metafiles;
}

module.exports = { buildChunks };
