/**
 * Persists a journal: the JSON file is replaced atomically (temp file, fsync, rename, fsync of the
 * folder) so a crash leaves either the old or the new state, never half a file; every change is
 * also appended to `<name>.events.jsonl` with a timestamp. Writes are serialised in-process, and a
 * lock file keeps two processes from driving the same run.
 */
import { promises as fs, constants as fsConstants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseJournal } from './journalSchema';
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

let tempCounter = 0;

async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${++tempCounter}.tmp`);
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class JournalStore {
  private state: Journal;
  private chain: Promise<void> = Promise.resolve();
  private lockHeld = false;

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
    const text = await fs.readFile(paths.journal, 'utf8');
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new Error(`${paths.journal} is not valid JSON: ${(e as Error).message}`);
    }
    return new JournalStore(paths, parseJournal(data, paths.journal), now);
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
   * Takes the run's lock. A lock left by a process that no longer exists (a crash) is taken over;
   * one held by a live process is refused so two runners never drive the same migration.
   */
  async acquireLock(): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const h = await fs.open(this.paths.lock, 'wx');
        await h.writeFile(JSON.stringify({ pid: process.pid, at: this.now().toISOString() }));
        await h.close();
        this.lockHeld = true;
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        let pid = 0;
        try {
          pid = Number((JSON.parse(await fs.readFile(this.paths.lock, 'utf8')) as { pid?: number }).pid ?? 0);
        } catch {
          pid = 0;
        }
        if (pid > 0 && pid !== process.pid && isAlive(pid)) {
          throw new Error(`migration "${this.state.name}" is being run by process ${pid}; wait for it or stop it first`);
        }
        await fs.rm(this.paths.lock, { force: true });
      }
    }
    throw new Error(`could not take the lock ${this.paths.lock}`);
  }

  async releaseLock(): Promise<void> {
    if (!this.lockHeld) return;
    this.lockHeld = false;
    await fs.rm(this.paths.lock, { force: true });
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
