/**
 * A child process for the lock race test: opens a journal, waits until an agreed moment (so two
 * probes really race), takes the run lock through the engine's own code, and reports `proceed` or
 * `refused …`. A winner records its turn in the journal and holds the lock until the test closes its
 * stdin (or until it is killed, with hold -1: the crash that leaves a stale lock), then releases it.
 */
import { JournalStore, pathsForJournalFile } from '../../../src/core/migration/journalStore';

async function main(): Promise<void> {
  const [journal, lockDir, startAtText, holdText] = process.argv.slice(2);
  const store = await JournalStore.open(pathsForJournalFile(journal));
  const wait = Number(startAtText) - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  try {
    await store.acquireLock(lockDir);
  } catch (e) {
    process.stdout.write(`refused ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
    return;
  }
  await store.update((j) => {
    const st = Object.values(j.steps)[0];
    if (st) st.attempts += 1;
  });
  process.stdout.write('proceed\n');
  // -1: hold until killed (the crash); otherwise hold until the test closes our stdin, so a slow
  // start of the other process can never turn a race into two runs one after the other.
  if (Number(holdText) < 0) await new Promise((r) => setTimeout(r, 3_600_000));
  else await new Promise<void>((r) => process.stdin.once('close', () => r()).resume());
  await store.releaseLock();
}

void main();
