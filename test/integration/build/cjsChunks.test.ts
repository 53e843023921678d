import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Chunk {
  out: string;
  entries?: string[];
  lazy?: RegExp;
  rest?: boolean;
}
// The build script is plain CommonJS (esbuild.js requires it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildChunks } = require('../../../scripts/cjsChunks.js') as {
  buildChunks: (cfg: { chunks: Chunk[]; options: Record<string, unknown> }) => Promise<unknown[]>;
};

/** A small app: an entry, a lazily required engine and panel, and a module both use (with a class). */
const FILES: Record<string, string> = {
  'src/shared.ts': `export class Failure extends Error {}\nexport let loads = 0;\nexport function count() { loads++; }\n`,
  'src/main.ts': [
    `import { Failure, count } from './shared';`,
    `count();`,
    `export function engine() { return require('./engine') as typeof import('./engine'); }`,
    `export function panel() { return require('./panel/host') as typeof import('./panel/host'); }`,
    `export { Failure };`,
  ].join('\n'),
  'src/engine.ts': `import { Failure, count } from './shared';\ncount();\nexport function fail(): never { throw new Failure('engine'); }\n`,
  'src/panel/host.ts': `import { fail } from '../engine';\nexport function show() { fail(); }\n`,
};

describe('build: CommonJS chunks (scripts/cjsChunks.js)', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcm-chunks-'));
    for (const [name, text] of Object.entries(FILES)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    await buildChunks({
      chunks: [
        { out: 'main', entries: [join(dir, 'src/main.ts')] },
        { out: 'chunks/engine', rest: true },
        { out: 'chunks/panel', lazy: /\/panel\// },
      ],
      options: { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', outdir: join(dir, 'dist') },
    });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('puts each lazily required module in its chunk and the shared one in the entry, once', () => {
    const main = readFileSync(join(dir, 'dist/main.js'), 'utf8');
    const engine = readFileSync(join(dir, 'dist/chunks/engine.js'), 'utf8');
    const panel = readFileSync(join(dir, 'dist/chunks/panel.js'), 'utf8');
    assert.match(main, /Failure = class/);
    assert.doesNotMatch(engine + panel, /Failure = class/);
    const engineThrow = /throw new [\w.]*Failure\("engine"\)/;
    assert.doesNotMatch(main, engineThrow);
    assert.match(engine, engineThrow);
    assert.doesNotMatch(panel, engineThrow);
    assert.match(panel, /require\("\.\/engine\.js"\)/);
  });

  it('loads a chunk on the first require that needs it, sharing module state and class identity', () => {
    const load = createRequire(join(dir, 'dist', 'x.js'));
    const main = load('./main.js') as { engine(): { fail(): never }; panel(): { show(): void }; Failure: new () => Error };
    // require's cache is the whole process's: count only this build's chunks.
    const shared = (loaded: string) => Object.keys(load.cache).filter((k) => k.startsWith(join(dir, 'dist')) && k.endsWith(loaded)).length;
    assert.equal(shared('engine.js'), 0, 'the engine chunk is not loaded with the entry');
    // The panel chunk pulls in the engine chunk; the engine's error is the entry's class.
    assert.throws(() => main.panel().show(), (e: unknown) => e instanceof main.Failure);
    assert.equal(shared('engine.js'), 1);
    assert.equal(shared('panel.js'), 1);
    const state = load('./main.js') as Record<string, unknown>;
    // The shared module ran once: `count()` from the entry and from the engine hit the same counter.
    const ns = Object.values(state).find((v): v is { loads: number } => typeof v === 'object' && v !== null && 'loads' in v);
    assert.equal(ns?.loads, 2);
  });
});
