import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../../src/core/ui/kit/commandIds';

/** A command's code is one search from its id: `mendixMigration.<name>` → `<name>` in `<name>.ts`. */
describe('command registry', () => {
  const root = join(__dirname, '../../..');
  const folders = ['src/core/ui/explorer/commands', 'src/core/ui/migrations'];

  it('names every command by its key, and its code by the same name in a file of that name', () => {
    const wrong: string[] = [];
    for (const [key, id] of Object.entries(COMMANDS)) {
      if (id !== `mendixMigration.${key}`) wrong.push(`${key}: id ${id}`);
      const file = folders.map((f) => join(root, f, `${key}.ts`)).find((p) => existsSync(p));
      if (!file) wrong.push(`${key}: no ${key}.ts in ${folders.join(' or ')}`);
      else if (!new RegExp(`export (async )?function ${key}\\(`).test(readFileSync(file, 'utf8'))) wrong.push(`${key}: ${key}.ts does not export function ${key}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('is the only place a command id is written: other modules use COMMANDS', () => {
    const ids = new Set<string>(Object.values(COMMANDS));
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const n of readdirSync(dir)) {
        const p = join(dir, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith(join('kit', 'commandIds.ts'))) {
          for (const m of readFileSync(p, 'utf8').matchAll(/['"`](mendixMigration\.[A-Za-z]+)['"`]/g)) if (ids.has(m[1])) found.push(`${p.slice(root.length + 1)}: ${m[1]}`);
        }
      }
    };
    walk(join(root, 'src'));
    assert.deepEqual(found, []);
  });
});
