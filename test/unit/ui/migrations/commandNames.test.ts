import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every "Mendix: …" a message tells the person to run is a command the extension contributes. */
describe('messages name only commands that exist', () => {
  it('each quoted "Mendix: <title>" in src/ matches a contributed command title', () => {
    const root = join(__dirname, '../../../..');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { commands: { title: string; category?: string }[] } };
    const titles = new Set(pkg.contributes.commands.map((c) => `${c.category ?? ''}: ${c.title}`));
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const n of readdirSync(dir)) {
        const p = join(dir, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(join(root, 'src'));
    const named = files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/"(Mendix: [^"]+)"/g)].map((m) => ({ f, title: m[1] })));
    assert.ok(named.length >= 2, 'messages that name a command were found');
    const unknown = named.filter((n) => !titles.has(n.title));
    assert.deepEqual(unknown, []);
  });
});
