import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { MigrationServices } from '../../../src/core/mendix/services';
import { fileInFolder, safeName } from '../../../src/core/migration/steps/common';
import { FakeCloud } from '../../support/fakeCloud';
import { FakeClock, openRunner } from '../../support/driveMigration';
import { sampleInput } from '../../support/sampleInput';

/** Deep-replaces exact string values. */
function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)]));
  }
  return v;
}

/** A cloud whose snapshot ids try to climb out of the download folder (`../../..`). */
function hostileSnapshotIds(cloud: FakeCloud): MigrationServices {
  const toHostile = new Map<string, string>();
  const toReal = new Map<string, string>();
  return new Proxy(cloud, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        const real = args.map((a) => mapStrings(a, (s) => toReal.get(s) ?? s));
        const r: unknown = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, real);
        return mapStrings(r, (s) => {
          if (!/^snap-\d+$/.test(s)) return s;
          const h = toHostile.get(s) ?? `../../../escaped-${s}`;
          toHostile.set(s, h);
          toReal.set(h, s);
          return h;
        });
      };
    },
  });
}

describe('names from API answers never leave the download folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mm-hostile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sanitises a name to one file name inside the folder', () => {
    assert.equal(safeName('../../etc/passwd'), '__.._etc_passwd');
    assert.equal(safeName('..'), '_');
    for (const bad of ['../x', '..\\x', '/abs/x', 'a/../../b', '\u0000x', '..']) {
      const p = fileInFolder(join(dir, 'dl'), 'pre-', bad, '.tar.gz');
      assert.equal(dirname(p), join(dir, 'dl'), bad);
      assert.ok(!relative(join(dir, 'dl'), p).startsWith('..'), bad);
    }
  });

  it('a snapshot id with ../ in it downloads the backup inside the chosen folder', async () => {
    const downloads = join(dir, 'work', 'deep', 'downloads');
    mkdirSync(downloads, { recursive: true });
    const input = sampleInput(downloads);
    const cloud = FakeCloud.demo();
    const { runner, store } = await openRunner(join(dir, 'work', 'deep'), input, hostileSnapshotIds(cloud), new FakeClock(), true);
    const out = await runner.run();
    const st = store.peek().steps['backup.download'];
    assert.equal(st.status, 'done', JSON.stringify(out));
    const id = store.peek().steps['backup.snapshot'].outputs.snapshotId;
    assert.match(typeof id === 'string' ? id : '', /^\.\.\/\.\.\/\.\.\/escaped-/, 'the hostile id was used');
    const path = typeof st.outputs.path === 'string' ? st.outputs.path : '';
    assert.equal(dirname(path), downloads);
    assert.ok(existsSync(path));
    // Nothing was written next to or above the work folder.
    assert.deepEqual(readdirSync(dir).sort(), ['work']);
    assert.ok(!readdirSync(join(dir, 'work')).some((f) => f.startsWith('escaped')));
  });
});
