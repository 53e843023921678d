import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { JournalStore, journalPathsFor } from '../../../src/core/migration/journalStore';
import type { Journal } from '../../../src/core/migration/types';
import { sampleInput } from '../../support/sampleInput';

interface Probe {
  out: Promise<{ stdout: string; code: number | null }>;
  kill(): void;
  /** Resolves once the probe said `proceed` or `refused`. */
  decided: Promise<void>;
  /** Lets a winner release its lock and exit. */
  release(): void;
}

function probe(script: string, journal: string, lockDir: string, startAt: number, hold: number): Probe {
  const child = spawn(process.execPath, [script, journal, lockDir, String(startAt), String(hold)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let onDecided: () => void = () => undefined;
  const decided = new Promise<void>((r) => (onDecided = r));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (/proceed|refused/.test(stdout)) onDecided();
  });
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  const out = new Promise<{ stdout: string; code: number | null }>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => res({ stdout, code }));
  });
  child.on('close', () => onDecided());
  return { out, kill: () => child.kill('SIGKILL'), decided, release: () => child.stdin.end() };
}

/**
 * 50 trials: a run holding the lock is SIGKILLed (a crash leaves its lock behind), then two
 * processes on the same migration start at the same instant. Exactly one proceeds every time.
 */
describe('run lock: two processes on one migration after a crash', function () {
  this.timeout(300_000);
  let dir: string;
  let script: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mm-lockrace-'));
    script = join(dir, 'lockProbe.js');
    await build({ entryPoints: [resolve(__dirname, 'lockProbe.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: script, logLevel: 'silent' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exactly one of two racing processes proceeds, 50 times out of 50', async () => {
    const paths = journalPathsFor(dir, 'race');
    const lockDir = join(dir, 'locks');
    await JournalStore.create(paths, { ...sampleInput(dir), name: 'race' }, ['a']);
    const turns = (): number => (JSON.parse(readFileSync(paths.journal, 'utf8')) as Journal).steps.a.attempts;
    const TRIALS = 50;
    let both = 0;
    let none = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      // The crash: a run takes the lock and is killed while holding it.
      const crashed = probe(script, paths.journal, lockDir, 0, -1);
      await crashed.decided;
      crashed.kill();
      await crashed.out;
      assert.equal(readdirSync(lockDir).filter((f) => f.endsWith('.lock')).length, 1, 'the crash left its lock');
      const before = turns();
      const startAt = Date.now() + 250;
      const a = probe(script, paths.journal, lockDir, startAt, 0);
      const b = probe(script, paths.journal, lockDir, startAt, 0);
      // Both decide while a winner still holds the lock; only then may it let go.
      await Promise.all([a.decided, b.decided]);
      a.release();
      b.release();
      const [ra, rb] = await Promise.all([a.out, b.out]);
      const proceeded = [ra, rb].filter((r) => r.stdout.includes('proceed')).length;
      if (proceeded === 2) both++;
      if (proceeded === 0) none++;
      assert.equal(proceeded, 1, `trial ${trial}: ${ra.stdout} | ${rb.stdout}`);
      const loser = [ra, rb].find((r) => !r.stdout.includes('proceed'));
      assert.match(loser?.stdout ?? '', /being (run|taken over) by/);
      assert.equal(turns(), before + 1, 'exactly one racer wrote the journal');
      assert.ok(!readdirSync(lockDir).some((f) => f.endsWith('.lock') && existsSync(join(lockDir, f))), 'the winner released its lock');
    }
    console.log(`      ${TRIALS} trials after a SIGKILL: both proceeded ${both}, none proceeded ${none}`);
  });
});
