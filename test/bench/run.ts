/**
 * Runs every benchmark under test/bench/ (files named `*.bench.ts`), prints a table and writes
 * test-results/bench.json as `{ "<figure>": { value, unit, goal, met } }`.
 *
 * A benchmark module exports `run(ctx)` returning its figures. Pass names as arguments to run a
 * subset: `npm run bench -- emulator client`.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Figure {
  value: number;
  unit: string;
  /** Human-readable goal such as "<= 300" or ">= 0.95". */
  goal: string;
  met: boolean;
}

export interface BenchContext {
  /** Project root. */
  root: string;
  /** Folder for scratch files (large downloads etc.); removed by each bench when done. */
  scratch: string;
  log(message: string): void;
}

export type BenchModule = { run(ctx: BenchContext): Promise<Record<string, Figure>> };

/** Builds a Figure from a value and a goal such as "<= 300" or ">= 0.95". */
export function figure(value: number, unit: string, goal: string): Figure {
  const m = /^(<=|>=|<|>)\s*(-?[\d.]+)$/.exec(goal.trim());
  if (!m) throw new Error(`bad goal: ${goal}`);
  const limit = Number(m[2]);
  const met = m[1] === '<=' ? value <= limit : m[1] === '>=' ? value >= limit : m[1] === '<' ? value < limit : value > limit;
  return { value: Math.round(value * 1000) / 1000, unit, goal, met };
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
    .sort();
  const outDir = join(root, 'test-results');
  mkdirSync(outDir, { recursive: true });
  const scratch = join(root, '.cache', 'bench');
  mkdirSync(scratch, { recursive: true });
  const outFile = join(outDir, 'bench.json');
  // A subset run keeps the figures of the benchmarks it did not run.
  const results: Record<string, Figure> =
    only.length > 0 && existsSync(outFile) ? (JSON.parse(readFileSync(outFile, 'utf8')) as Record<string, Figure>) : {};
  let failed = false;
  for (const f of files) {
    const name = f.replace(/\.bench\.ts$/, '');
    console.log(`\n▶ ${name}`);
    try {
      const mod = (await import(join(__dirname, f))) as BenchModule;
      Object.assign(results, await mod.run({ root, scratch, log: (m) => console.log(`  ${m}`) }));
    } catch (e) {
      failed = true;
      console.error(`  ✘ ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
  const rows = Object.entries(results).map(([k, v]) => [k, `${v.value} ${v.unit}`, v.goal, v.met ? 'yes' : 'NO']);
  const head = ['figure', 'value', 'goal', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log('\n' + line(head) + '\n' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log(`\nwritten: ${outFile}`);
  if (failed) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
