import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { journalJsonSchema, parseJournal } from '../../../src/core/migration/journalSchema';
import { JournalStore, journalPathsFor, pathsForJournalFile } from '../../../src/core/migration/journalStore';
import { buildPlan } from '../../../src/core/migration/plan';
import { isKnownJournal, listJournals } from '../../../src/core/ui/migrations/journalList';
import { PHASE_LABELS } from '../../../src/core/ui/panel/panelModel';
import { sampleInput } from '../../support/sampleInput';

const SCHEMA_FILE = resolve(__dirname, '..', '..', '..', 'schemas', 'migration-journal.schema.json');

describe('migration journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mm-journal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is created under .mendix-migrations, refuses to overwrite, and reopens identically', async () => {
    const paths = journalPathsFor(dir, 'order-portal');
    assert.equal(paths.journal, join(dir, '.mendix-migrations', 'order-portal.json'));
    const store = await JournalStore.create(paths, sampleInput(dir), ['a', 'b']);
    await assert.rejects(JournalStore.create(paths, sampleInput(dir), ['a']), /already exists/);
    await store.update((j) => {
      j.steps.a.status = 'done';
      j.steps.a.outputs.snapshotId = 's-1';
    });
    const again = await JournalStore.open(paths);
    assert.deepEqual(again.journal, store.journal);
    assert.equal(again.peek().steps.a.outputs.snapshotId, 's-1');
  });

  it('writes atomically: no temp files are left and concurrent updates all land in order', async () => {
    const paths = journalPathsFor(dir, 'x');
    const store = await JournalStore.create(paths, sampleInput(dir), ['a']);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.update((j) => void (j.steps.a.outputs[`k${i}`] = i))));
    const onDisk = JSON.parse(readFileSync(paths.journal, 'utf8')) as { steps: { a: { outputs: Record<string, number> } } };
    assert.equal(Object.keys(onDisk.steps.a.outputs).length, 20);
    assert.deepEqual(readdirSync(join(dir, '.mendix-migrations')).filter((f) => f.endsWith('.tmp')), []);
  });

  it('keeps an append-only event log that survives a torn last line', async () => {
    const paths = journalPathsFor(dir, 'ev');
    const store = await JournalStore.create(paths, sampleInput(dir), ['a']);
    await store.appendEvent({ type: 'step-started', stepId: 'a' });
    await store.appendEvent({ type: 'step-finished', stepId: 'a', durationMs: 12 });
    appendFileSync(paths.events, '{"at":"2026-01-01T00:00:00Z","type":"step-sta'); // a crash mid-write
    const events = await store.readEvents();
    assert.deepEqual(events.map((e) => e.type), ['journal-created', 'step-started', 'step-finished']);
    assert.ok(events.every((e) => typeof e.at === 'string'));
  });

  it('rejects a damaged journal with the offending field named', () => {
    assert.throws(() => parseJournal({ schemaVersion: 1, name: 'x' }, 'f.json'), /f\.json is not a valid migration journal \(field "createdAt"\)/);
  });

  it('takes over a lock left by a dead process but refuses one held by a live process', async () => {
    const paths = journalPathsFor(dir, 'lk');
    const lockDir = join(dir, 'locks');
    const store = await JournalStore.create(paths, sampleInput(dir), ['a']);
    await store.acquireLock(lockDir);
    const file = store.lockFile ?? '';
    await store.releaseLock();
    assert.ok(!existsSync(file));
    writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 12345, token: 'dead-owner', host: hostname(), at: 'then' }));
    await store.acquireLock(lockDir);
    const owner = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; token: string };
    assert.equal(owner.pid, process.pid);
    assert.notEqual(owner.token, 'dead-owner');
    await store.releaseLock();
    writeFileSync(file, JSON.stringify({ pid: process.ppid, token: 'live-owner', host: hostname(), at: 'now' }));
    await assert.rejects(store.acquireLock(lockDir), /is being run by process/);
    // Release only by the owner: a store that does not hold the lock leaves it alone.
    await store.releaseLock();
    assert.ok(existsSync(file));
  });

  it('keys the lock to the migration: a copied journal cannot run it a second time', async () => {
    const paths = journalPathsFor(dir, 'orig');
    const lockDir = join(dir, 'locks');
    const store = await JournalStore.create(paths, sampleInput(dir), ['a']);
    const copyFile = join(dir, 'elsewhere', 'copy.json');
    mkdirSync(dirname(copyFile), { recursive: true });
    copyFileSync(paths.journal, copyFile);
    const copy = await JournalStore.open(pathsForJournalFile(copyFile));
    await store.acquireLock(lockDir);
    await assert.rejects(copy.acquireLock(lockDir), /is being run by process/);
    await store.releaseLock();
    await copy.acquireLock(lockDir);
    await copy.releaseLock();
  });

  it('reads the journal again once locked (what was read before the lock is not used)', async () => {
    const paths = journalPathsFor(dir, 'reread');
    const store = await JournalStore.create(paths, sampleInput(dir), ['a']);
    const other = await JournalStore.open(paths);
    await other.update((j) => void (j.steps.a.status = 'done'));
    assert.equal(store.peek().steps.a.status, 'pending');
    await store.acquireLock(join(dir, 'locks'));
    assert.equal(store.peek().steps.a.status, 'done');
    await store.releaseLock();
  });

  it('leaves no temp file after a failed write, and removes those of a killed writer once locked', async () => {
    const paths = journalPathsFor(dir, 'tmps');
    const store = await JournalStore.create(paths, sampleInput(dir), ['a']);
    const folder = dirname(paths.journal);
    const temps = () => readdirSync(folder).filter((f) => f.endsWith('.tmp'));
    // A killed writer's leftovers (another pid), and a write that fails because the target is a folder.
    writeFileSync(join(folder, '.tmps.json.999999.1.tmp'), '{"half":');
    writeFileSync(join(folder, '.tmps.json.999999.2.tmp'), '');
    writeFileSync(join(folder, '.other.json.999999.1.tmp'), 'another journal: left alone');
    rmSync(paths.journal);
    mkdirSync(paths.journal);
    await assert.rejects(store.update((j) => void (j.steps.a.attempts = 1)));
    assert.deepEqual(temps().sort(), ['.other.json.999999.1.tmp', '.tmps.json.999999.1.tmp', '.tmps.json.999999.2.tmp']);
    rmSync(paths.journal, { recursive: true });
    await store.update((j) => void (j.steps.a.attempts = 2));
    await store.acquireLock(join(dir, 'locks'));
    assert.deepEqual(temps(), ['.other.json.999999.1.tmp']);
    await store.releaseLock();
  });

  it('a restored panel opens only a journal of the workspace list, whatever path its saved state names', async () => {
    const input = sampleInput(dir);
    const ids = buildPlan(input).steps.map((s) => s.id);
    const paths = journalPathsFor(dir, 'known');
    await JournalStore.create(paths, { ...input, name: 'known' }, ids);
    const list = await listJournals(dir);
    assert.ok(isKnownJournal(list, paths.journal));
    assert.ok(isKnownJournal(list, join(dirname(paths.journal), '..', '.mendix-migrations', 'known.json')));
    assert.ok(!isKnownJournal(list, '/etc/passwd'));
    assert.ok(!isKnownJournal(list, join(dir, 'elsewhere', 'known.json')));
  });

  it('accepts a UTF-8 byte-order mark and names a newer schema version', async () => {
    const paths = journalPathsFor(dir, 'bom');
    await JournalStore.create(paths, sampleInput(dir), ['a']);
    writeFileSync(paths.journal, '\uFEFF' + readFileSync(paths.journal, 'utf8'));
    assert.equal((await JournalStore.open(paths)).peek().name, sampleInput(dir).name);
    const j = JSON.parse(readFileSync(paths.journal, 'utf8').replace(/^\uFEFF/, '')) as { schemaVersion: number };
    j.schemaVersion = 7;
    writeFileSync(paths.journal, JSON.stringify(j));
    await assert.rejects(JournalStore.open(paths), /written by a newer version .*schema 7.*update the extension/);
  });

  it('lists the workspace migrations with status and phase, and a damaged journal with its error', async () => {
    assert.deepEqual(await listJournals(dir), []);
    const input = sampleInput(dir);
    const ids = buildPlan(input).steps.map((s) => s.id);
    const a = await JournalStore.create(journalPathsFor(dir, 'a-run'), { ...input, name: 'a-run' }, ids);
    await a.update((j) => {
      j.steps.preflight.status = 'done';
      j.steps['link.temp-a'].status = 'waiting-for-person';
      j.steps['link.temp-a'].person = { summary: 'link temp app A', actions: [] };
    });
    writeFileSync(join(dir, '.mendix-migrations', 'broken.json'), '{');
    const list = await listJournals(dir);
    assert.deepEqual(list.map((m) => m.name), ['a-run', 'broken']);
    assert.equal(list[0].status, 'active');
    assert.equal(list[0].phase, PHASE_LABELS['link-target']);
    assert.deepEqual(list[0].currentStep && { id: list[0].currentStep.id, status: list[0].currentStep.status }, { id: 'link.temp-a', status: 'waiting-for-person' });
    assert.equal(list[0].done, 1);
    assert.equal(list[1].phase, 'Unreadable');
    assert.match(list[1].error ?? '', /JSON/);
  });

  it('the committed JSON Schema matches the journal schema (regenerate with UPDATE_SCHEMA=1)', () => {
    const generated = JSON.stringify(journalJsonSchema(), null, 2) + '\n';
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, generated);
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), generated);
    const schema = JSON.parse(generated) as { properties: Record<string, unknown>; required: string[] };
    for (const k of ['input', 'steps', 'cutover', 'rehearsals']) assert.ok(k in schema.properties && schema.required.includes(k), k);
  });
});
