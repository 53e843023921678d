/**
 * Persists a journal: the JSON file is replaced atomically (temp file, fsync, rename, fsync of the
 * folder) so a crash leaves either the old or the new state, never half a file; every change is
 * also appended to `<name>.events.jsonl` with a timestamp. Writes are serialised in-process, and a
 * lock file keeps two processes from driving the same run.
 */
import { promises as fs, constants as fsConstants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { JournalDamagedError, parseJournal } from './journalSchema';
import { defaultLockDir, migrationLockId, RunLock } from './runLock';
import type { Journal, MigrationEvent, MigrationInput, StepState } from './types';

export const JOURNAL_FOLDER = '.mendix-migrations';

export interface JournalPaths {
  journal: string;
  events: string;
  lock: string;
}

/** `<workspace>/.mendix-migrations/<name>.json` and its siblings. */
export function journalPathsFor(workspaceFolder: string, name: string): JournalPaths {
  return pathsForJournalFile(join(workspaceFolder, JOURNAL_FOLDER, `${name}.json`));
}

export function pathsForJournalFile(journalFile: string): JournalPaths {
  const base = journalFile.replace(/\.json$/, '');
  return { journal: journalFile, events: `${base}.events.jsonl`, lock: `${base}.lock` };
}

/** A step that has not run; a reset step keeps its attempt count. */
export function newStepState(attempts = 0): StepState {
  return { status: 'pending', attempts, outputs: {}, intents: [] };
}

/** Marks a step done at `now` (epoch ms): its duration runs from its start, and error and waiting are cleared. */
export function markStepDone(st: StepState, now: number): void {
  st.status = 'done';
  st.finishedAt = new Date(now).toISOString();
  st.durationMs = st.startedAt ? Math.max(0, now - Date.parse(st.startedAt)) : 0;
  st.error = undefined;
  st.person = undefined;
}

let tempCounter = 0;

function tempPrefix(file: string): string {
  return `.${basename(file)}.`;
}

async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `${tempPrefix(file)}${process.pid}.${++tempCounter}.tmp`);
  try {
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (e) {
    // A failed write (a full disk) leaves no temp file behind to pile up with each retry.
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  // fsync the folder so the rename itself survives a power loss (not supported on every platform).
  try {
    const dir = await fs.open(dirname(file), fsConstants.O_RDONLY);
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    /* best effort: Windows cannot open a directory */
  }
}

/**
 * Removes temp files a killed writer of this journal left behind (`.<name>.json.<pid>.<n>.tmp`).
 * Called with the lock held, so no live process is writing them.
 */
async function removeStaleTemps(file: string): Promise<number> {
  const prefix = tempPrefix(file);
  let names: string[];
  try {
    names = await fs.readdir(dirname(file));
  } catch {
    return 0;
  }
  const stale = names.filter((n) => n.startsWith(prefix) && /^\d+\.\d+\.tmp$/.test(n.slice(prefix.length)) && !n.slice(prefix.length).startsWith(`${process.pid}.`));
  await Promise.all(stale.map((n) => fs.rm(join(dirname(file), n), { force: true }).catch(() => undefined)));
  return stale.length;
}

/** Reads and validates a journal file (a UTF-8 byte-order mark is accepted). */
export async function readJournalFile(file: string): Promise<Journal> {
  const text = (await fs.readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new JournalDamagedError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseJournal(data, file);
}

export class JournalStore {
  private state: Journal;
  private chain: Promise<void> = Promise.resolve();
  private lock: RunLock | undefined;

  private constructor(
    readonly paths: JournalPaths,
    state: Journal,
    private readonly now: () => Date,
  ) {
    this.state = state;
  }

  /** Creates a new journal; refuses to overwrite an existing one. */
  static async create(
    paths: JournalPaths,
    input: MigrationInput,
    stepIds: readonly string[],
    now: () => Date = () => new Date(),
  ): Promise<JournalStore> {
    await fs.mkdir(dirname(paths.journal), { recursive: true });
    try {
      await fs.access(paths.journal);
      throw new Error(`a migration journal already exists at ${paths.journal}; resume it or choose another name`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const at = now().toISOString();
    const steps: Record<string, StepState> = {};
    for (const id of stepIds) steps[id] = newStepState();
    const journal: Journal = {
      schemaVersion: 1,
      name: input.name,
      createdAt: at,
      updatedAt: at,
      status: 'active',
      input,
      steps,
      rehearsals: [],
      cutover: {},
    };
    const store = new JournalStore(paths, journal, now);
    await store.flush();
    await store.appendEvent({ type: 'journal-created', detail: { name: input.name, flavour: input.flavour } });
    return store;
  }

  static async open(paths: JournalPaths, now: () => Date = () => new Date()): Promise<JournalStore> {
    return new JournalStore(paths, await readJournalFile(paths.journal), now);
  }

  /** A deep copy: callers never mutate the stored state behind the store's back. */
  get journal(): Journal {
    return structuredClone(this.state);
  }

  /** Read-only view without copying, for hot paths that only read. */
  peek(): Readonly<Journal> {
    return this.state;
  }

  /** Applies a change and writes the journal atomically; changes are applied and written in order. */
  update(mutate: (j: Journal) => void): Promise<void> {
    const run = async (): Promise<void> => {
      const next = structuredClone(this.state);
      mutate(next);
      next.updatedAt = this.now().toISOString();
      this.state = next;
      await this.flush();
    };
    const p = this.chain.then(run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Adds one line to the append-only event log (fsynced so it survives a crash). */
  async appendEvent(event: Omit<MigrationEvent, 'at'>): Promise<void> {
    const line = JSON.stringify({ at: this.now().toISOString(), ...event }) + '\n';
    const handle = await fs.open(this.paths.events, 'a');
    try {
      await handle.appendFile(line, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async readEvents(): Promise<MigrationEvent[]> {
    let text: string;
    try {
      text = await fs.readFile(this.paths.events, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: MigrationEvent[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line) as MigrationEvent);
      } catch {
        // A crash can cut the last line short; everything before it is intact.
      }
    }
    return out;
  }

  /**
   * Takes the run's lock, keyed to the migration (a copy of the journal shares it), then reads the
   * journal again under the lock: what the run uses is what was on disk once nobody else could write
   * it. A lock left by a process that no longer exists (a crash) is taken over by exactly one
   * process; one held by a live process is refused so two runners never drive the same migration.
   */
  async acquireLock(lockDir: string = defaultLockDir()): Promise<void> {
    if (this.lock) return;
    await fs.mkdir(lockDir, { recursive: true, mode: 0o700 });
    const id = migrationLockId(this.state);
    const lock = await RunLock.acquire(join(lockDir, `${id}.lock`), `migration "${this.state.name}" (journal ${this.paths.journal})`);
    try {
      const fresh = await readJournalFile(this.paths.journal);
      if (migrationLockId(fresh) !== id) throw new Error(`${this.paths.journal} changed to another migration while it was being opened; open it again`);
      await this.chain;
      this.state = fresh;
      await removeStaleTemps(this.paths.journal);
    } catch (e) {
      await lock.release();
      throw e;
    }
    this.lock = lock;
  }

  /** The lock file this store holds, if any. */
  get lockFile(): string | undefined {
    return this.lock?.file;
  }

  /** Releases the lock if this store still owns it (never someone else's). */
  async releaseLock(): Promise<void> {
    const lock = this.lock;
    if (!lock) return;
    this.lock = undefined;
    await lock.release();
  }

  /** Waits for every queued write. */
  async settle(): Promise<void> {
    await this.chain;
  }

  private async flush(): Promise<void> {
    // VS Code validates it through the extension's jsonValidation contribution (fileMatch on the folder).
    const text = JSON.stringify(this.state, null, 2) + '\n';
    await writeFileAtomic(this.paths.journal, text);
  }
}
