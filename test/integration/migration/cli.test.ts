import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/command';
import { FakeCloud } from '../../support/fakeCloud';
import { actAsPerson, FakeClock, openRunner } from '../../support/driveMigration';
import { sampleInput } from '../../support/sampleInput';

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), signal: new AbortController().signal };
}

describe('mendix-migrate migration commands', () => {
  let dir: string;
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mm-cli-'));
    saved = { ...process.env };
  });
  afterEach(() => {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('plan --input creates the journal and prints the plan; bad answers exit 2 naming the field', async () => {
    const journal = join(dir, '.mendix-migrations', 'order-portal.json');
    writeFileSync(join(dir, 'answers.json'), JSON.stringify(sampleInput(dir)));
    const a = io();
    assert.equal(await main(['plan', '--journal', journal, '--input', join(dir, 'answers.json'), '--json'], a), 0);
    const plan = JSON.parse(a.stdout[0]) as { steps: { id: string; kind: string }[] };
    assert.equal(plan.steps[0].id, 'preflight');
    assert.ok(plan.steps.some((s) => s.kind === 'support'));
    assert.ok(existsSync(journal));

    const again = io();
    assert.equal(await main(['plan', '--journal', journal, '--input', join(dir, 'answers.json')], again), 1, 'never overwrites');

    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...sampleInput(dir), flavour: 'sideways' }));
    const bad = io();
    assert.equal(await main(['plan', '--journal', join(dir, 'other.json'), '--input', join(dir, 'bad.json')], bad), 2);
    assert.match(bad.stderr.join('\n'), /flavour/);
  });

  it('plan --template prints answers that validate once filled in', async () => {
    const t = io();
    assert.equal(await main(['plan', '--template'], t), 0);
    const answers = JSON.parse(t.stdout.join('\n')) as Record<string, unknown>;
    assert.ok('source' in answers && 'target' in answers && 'downloadFolder' in answers);
    writeFileSync(join(dir, 't.json'), JSON.stringify(answers));
    assert.equal(await main(['plan', '--journal', join(dir, 'j.json'), '--input', join(dir, 't.json')], io()), 0);
  });

  it('run without credentials is a usage error (exit 2)', async () => {
    const journal = join(dir, 'j.json');
    writeFileSync(join(dir, 'answers.json'), JSON.stringify(sampleInput(dir)));
    assert.equal(await main(['plan', '--journal', journal, '--input', join(dir, 'answers.json')], io()), 0);
    delete process.env.MENDIX_USERNAME;
    delete process.env.MENDIX_API_KEY;
    const r = io();
    assert.equal(await main(['run', '--journal', journal], r), 2);
    assert.match(r.stderr.join('\n'), /MENDIX_USERNAME and MENDIX_API_KEY/);
    assert.equal(await main(['run'], io()), 2, '--journal is required');
  });

  it('status and report read a finished journal; the report has timings, downtime and checksums and no secrets', async () => {
    const cloud = FakeCloud.demo();
    const input = sampleInput(join(dir, 'dl'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(input.downloadFolder, { recursive: true });
    const { runner, store } = await openRunner(dir, input, cloud, new FakeClock(), true);
    for (let i = 0; i < 20; i++) {
      const out = await runner.run();
      if (out.status === 'completed') break;
      await actAsPerson(cloud, runner, out, input);
    }
    const journal = store.paths.journal;

    const s = io();
    assert.equal(await main(['status', '--journal', journal], s), 0);
    const text = s.stdout.join('\n');
    assert.match(text, /Migration "order-portal": completed/);
    assert.match(text, /cutover\.stop-source\s+api\s+done/);

    const out = join(dir, 'report.md');
    assert.equal(await main(['report', '--journal', journal, '--out', out], io()), 0);
    const md = readFileSync(out, 'utf8');
    for (const heading of ['## Before and after', '## Preflight', '## Steps', '## Downtime', '## Files and checksums', '## Sign-off']) assert.ok(md.includes(heading), heading);
    assert.match(md, /\| Model version \| 1\.6\.0\.142 \| 1\.6\.0\.142 \|/);
    assert.match(md, /\| Mendix version \| 10\.24\.3\.73587 \| 10\.24\.3\.73587 \|/);
    assert.match(md, /Predicted from the rehearsal: \d/);
    assert.match(md, /Measured \(source stopped → target started\): \d/);
    const sha = store.peek().steps['cutover.download'].outputs.sha256;
    assert.ok(typeof sha === 'string' && md.includes(sha));
    assert.ok(!md.includes('smtp.mailrelay.example.com'), 'constant values are masked');
  });

  it('rehearse resets the rehearsal steps before the cutover and refuses after it', async () => {
    const cloud = FakeCloud.demo();
    const input = sampleInput(dir);
    const { runner, store } = await openRunner(dir, input, cloud, new FakeClock(), true);
    await runner.run();
    const r = io();
    assert.equal(await main(['rehearse', '--journal', store.paths.journal, '--json'], r), 0);
    const restarted = (JSON.parse(r.stdout[0]) as { restarted: string[] }).restarted;
    assert.ok(restarted.includes('backup.snapshot') && restarted.includes('restore') && !restarted.includes('preflight'));
    await store.update((j) => void (j.cutover.startedAt = new Date().toISOString()));
    assert.equal(await main(['rehearse', '--journal', store.paths.journal], io()), 2);
  });
});
