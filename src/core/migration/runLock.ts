/**
 * The lock that keeps two processes from driving one migration. It is keyed to the migration (an id
 * derived from what a copy of the journal keeps: name, creation time, source project), not to the
 * journal's path, so a copied journal cannot run the same migration a second time unnoticed.
 *
 * - The lock file appears complete or not at all: the owner record is written to a private temp file
 *   and hard-linked into place (`link` fails if the lock exists), so nobody ever reads an empty lock.
 * - A lock whose owner process is gone (a crash) is taken over under a guard named after that dead
 *   owner's token: only the process that creates the guard may remove the stale lock, and it re-reads
 *   the lock under the guard first. The guard is itself such a lock, so a takeover interrupted by a
 *   crash is taken over the same way. Of any number of processes racing, exactly one proceeds.
 * - Release removes the lock only if it still names this owner.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface LockOwner {
  /** Unique per acquisition. */
  token: string;
  pid: number;
  host: string;
  at: string;
  /** What holds it, for the message another process shows. */
  what: string;
}

export class LockBusyError extends Error {
  constructor(
    message: string,
    readonly owner?: LockOwner,
  ) {
    super(message);
    this.name = 'LockBusyError';
  }
}

/** Per-user folder for migration locks (shared by the extension and the CLI on this machine). */
export function defaultLockDir(): string {
  let uid = -1;
  try {
    uid = userInfo().uid;
  } catch {
    /* no user database entry */
  }
  return join(tmpdir(), `mendix-migrate-locks${uid >= 0 ? `-${uid}` : ''}`);
}

/** The migration's identity: the same for a copy of its journal, different for another migration. */
export function migrationLockId(j: { name: string; createdAt: string; input: { source: { projectId: string } } }): string {
  return createHash('sha256').update(`${j.name}\n${j.createdAt}\n${j.input.source.projectId}`).digest('hex').slice(0, 32);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

type ReadResult = { kind: 'missing' } | { kind: 'owner'; owner: LockOwner } | { kind: 'unreadable'; staleKey: string; ageMs: number };

async function readLock(file: string): Promise<ReadResult> {
  let text: string;
  let mtimeMs = 0;
  let size = 0;
  try {
    const st = await fs.stat(file);
    mtimeMs = st.mtimeMs;
    size = st.size;
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if (errno(e) === 'ENOENT') return { kind: 'missing' };
    throw e;
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && Number.isInteger(o.pid)) {
      // Locks written by older versions have no token: their pid and time identify them.
      const token = typeof o.token === 'string' ? o.token : `legacy-${o.pid}-${String(o.at ?? mtimeMs)}`;
      return { kind: 'owner', owner: { token, pid: o.pid, host: typeof o.host === 'string' ? o.host : hostname(), at: typeof o.at === 'string' ? o.at : '', what: typeof o.what === 'string' ? o.what : '' } };
    }
  } catch {
    /* not JSON: an older version's lock caught between create and write, or damage */
  }
  return { kind: 'unreadable', staleKey: `unreadable-${mtimeMs}-${size}`, ageMs: Date.now() - mtimeMs };
}

/** How long a lock without a readable owner is taken for one still being written (older versions). */
const UNREADABLE_GRACE_MS = 5_000;

async function createComplete(file: string, owner: LockOwner): Promise<boolean> {
  const tmp = `${file}.${owner.token}.tmp`;
  const h = await fs.open(tmp, 'wx', 0o600);
  try {
    await h.writeFile(JSON.stringify(owner));
    await h.sync();
  } finally {
    await h.close();
  }
  try {
    await fs.link(tmp, file);
    return true;
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    throw e;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

function guardName(file: string, staleKey: string): string {
  return `${file}.takeover-${createHash('sha256').update(staleKey).digest('hex').slice(0, 16)}`;
}

export class RunLock {
  private released = false;
  private constructor(
    readonly file: string,
    readonly owner: LockOwner,
  ) {}

  /**
   * Takes the lock at `file` or throws `LockBusyError` naming the live owner. `what` is shown to
   * whoever is refused (e.g. `migration "x" (journal /p/x.json)`).
   */
  static async acquire(file: string, what: string, depth = 0): Promise<RunLock> {
    if (depth > 8) throw new LockBusyError(`could not take the lock ${file}: too many interrupted takeovers; remove ${file}* by hand if no run is active`);
    const owner: LockOwner = { token: `${process.pid}-${randomBytes(8).toString('hex')}`, pid: process.pid, host: hostname(), at: new Date().toISOString(), what };
    for (let round = 0; round < 20; round++) {
      if (await createComplete(file, owner)) return new RunLock(file, owner);
      const seen = await readLock(file);
      if (seen.kind === 'missing') continue;
      let staleKey: string;
      if (seen.kind === 'owner') {
        const o = seen.owner;
        if (o.host !== hostname() || o.pid === process.pid || isAlive(o.pid)) {
          throw new LockBusyError(`${what} is being run by process ${o.pid}${o.host !== hostname() ? ` on ${o.host}` : ''} since ${o.at}; wait for it or stop it first`, o);
        }
        staleKey = o.token;
      } else {
        if (seen.ageMs < UNREADABLE_GRACE_MS) throw new LockBusyError(`${what} is being locked by another process right now; try again in a few seconds`);
        staleKey = seen.staleKey;
      }
      // The owner is gone. Only the holder of the takeover guard for this very owner may remove it.
      let guard: RunLock;
      try {
        guard = await RunLock.acquire(guardName(file, staleKey), `the takeover of a stale lock of ${what}`, depth + 1);
      } catch (e) {
        if (e instanceof LockBusyError) throw new LockBusyError(`${what} is being taken over by another process right now; wait for it`, e.owner);
        throw e;
      }
      try {
        const again = await readLock(file);
        const stillStale = (again.kind === 'owner' && again.owner.token === staleKey) || (again.kind === 'unreadable' && again.staleKey === staleKey);
        if (stillStale) await fs.rm(file, { force: true });
      } finally {
        await guard.release();
      }
    }
    throw new LockBusyError(`could not take the lock ${file}; try again`);
  }

  /** Removes the lock only if it still names this owner. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const seen = await readLock(this.file);
    if (seen.kind === 'owner' && seen.owner.token === this.owner.token) await fs.rm(this.file, { force: true });
  }
}
