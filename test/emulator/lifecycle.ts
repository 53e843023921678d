/**
 * Asynchronous work on the virtual clock: package builds and uploads, start jobs, snapshots, archives
 * and restores. Each item gets a timeline when created; `tick` applies every transition whose time has
 * come (called before each request is handled, so clock jumps take effect at once).
 */
import type { BackupJobKind, BackupState, Environment, JobStatus, PackageStatus, Pkg, Timeline } from './model';
import type { Store } from './store';

/**
 * Virtual durations in seconds. The docs give none; these look plausible in a demo at real speed and
 * stay short enough for a black-box check that only polls.
 */
export const DURATIONS = {
  uploadQueued: 1,
  uploadRunning: 4,
  /** After the upload job completes the MDA is still processed for a while: transport answers 503. */
  packageProcessing: 10,
  buildQueued: 3,
  building: 20,
  buildUploading: 5,
  /** A v3 node takes twice as long. */
  start: 20,
  snapshotQueued: 2,
  snapshotRunning: 20,
  archiveQueued: 2,
  archiveRunning: 30,
  restoreQueued: 3,
  restoreRunning: 40,
};

export function timeline(start: number, steps: [string, number][]): Timeline {
  let at = start;
  return {
    steps: steps.map(([state, afterSeconds]) => {
      at += afterSeconds * 1000;
      return { state, at };
    }),
  };
}

/** The last step reached by `now`, and whether it is the final one. */
function reached(tl: Timeline, now: number): { state: string; at: number; final: boolean } | undefined {
  let found: { state: string; at: number } | undefined;
  for (const step of tl.steps) if (step.at <= now) found = step;
  if (!found) return undefined;
  return { ...found, final: found === tl.steps[tl.steps.length - 1] };
}

/** Applies every due transition. Returns true when something changed. */
export function tick(store: Store): boolean {
  if (store.pending.size === 0) return false;
  const now = store.now();
  const s = store.state;
  let changed = false;
  for (const key of [...store.pending]) {
    const [kind, id] = key.split(':') as [string, string];
    let done = false;
    let c = false;
    switch (kind) {
      case 'package': {
        const p = s.packages[id];
        if (!p?.timeline) {
          done = true;
          break;
        }
        const r = reached(p.timeline, now);
        if (r && p.status !== r.state) {
          p.status = r.state as PackageStatus;
          changed = true;
        }
        if (r?.final) {
          p.timeline = null;
          done = true;
        }
        break;
      }
      case 'upload': {
        const j = s.uploadJobs[id];
        if (!j) {
          done = true;
          break;
        }
        const r = reached(j.timeline, now);
        if (r && j.status !== r.state) {
          j.status = r.state as JobStatus;
          changed = true;
        }
        if (r?.final) {
          const p = s.packages[j.packageId];
          if (p) p.status = j.outcome === 'Completed' ? 'Succeeded' : 'Failed';
          done = true;
        }
        break;
      }
      case 'start': {
        const j = s.startJobs[id];
        if (!j || j.result !== null) {
          done = true;
          break;
        }
        if (now >= j.doneAt) {
          j.result = j.plannedResult;
          const env = s.environments[j.envId];
          if (env && j.result === 'Started') applyStarted(store, env);
          changed = true;
          done = true;
        }
        break;
      }
      case 'snapshot': {
        const x = s.snapshots[id];
        ({ changed: c, done } = advanceBackupJob(x, now, (st) =>
          st === 'running' ? 'Creating backup' : st === 'completed' ? 'Completed backup creation' : 'Backup creation failed',
        ));
        break;
      }
      case 'archive': {
        const x = s.archives[id];
        // "Done preparing download archive" only once the bytes exist (see Store.hold).
        const final = x?.timeline?.steps.at(-1)?.at;
        const at = store.holds.has(key) && final !== undefined ? Math.min(now, final - 1) : now;
        ({ changed: c, done } = advanceBackupJob(x, at, (st) =>
          st === 'running' ? 'Preparing download archive' : st === 'completed' ? 'Done preparing download archive' : 'Preparing download archive failed',
        ));
        break;
      }
      case 'restore': {
        const x = s.restores[id];
        // The final message depends on the outcome's effect on the target, set by applyRestoreOutcome.
        ({ changed: c, done } = advanceBackupJob(x, now, (st) => (st === 'running' ? 'Restoring backup' : undefined), () => applyRestoreOutcome(store, id)));
        break;
      }
      default:
        done = true;
    }
    changed ||= c;
    if (done) store.pending.delete(key);
  }
  if (changed) store.changed();
  return changed;
}

interface BackupJob {
  timeline: Timeline | null;
  state: BackupState;
  statusMessage: string | null;
  updatedAt: number;
  finishedAt: number | null;
}

/**
 * Moves a snapshot, archive or restore to the state its timeline has reached by `now`. `message`
 * gives the status message of a state (undefined keeps the current one); `onFinal` runs once when the
 * last state is reached. `done` means the job needs no more ticks.
 */
function advanceBackupJob(
  x: BackupJob | undefined,
  now: number,
  message: (state: BackupState) => string | undefined,
  onFinal?: () => void,
): { changed: boolean; done: boolean } {
  if (!x?.timeline) return { changed: false, done: true };
  const r = reached(x.timeline, now);
  let changed = false;
  if (r && x.state !== r.state) {
    x.state = r.state as BackupState;
    x.updatedAt = r.at;
    x.statusMessage = message(x.state) ?? x.statusMessage;
    if (r.final) {
      x.finishedAt = r.at;
      onFinal?.();
    }
    changed = true;
  }
  if (r?.final) x.timeline = null;
  return { changed, done: r?.final === true };
}

function applyStarted(store: Store, env: Environment): void {
  const pkg = env.packageId ? store.state.packages[env.packageId] : undefined;
  env.status = 'Running';
  // A package transported while the environment ran takes effect now.
  env.runningPackageId = null;
  if (pkg) env.dbModelVersion = pkg.version;
  // Values set through the settings call take effect at this (re)start.
  for (const c of env.constants) c.DeployedValue = c.Value;
  for (const e of env.scheduledEvents) e.DeployedValue = e.Value;
}

function applyRestoreOutcome(store: Store, restoreId: string): void {
  const s = store.state;
  const r = s.restores[restoreId];
  if (!r) return;
  const snap = s.snapshots[r.sourceSnapshotId];
  const env = s.environments[r.targetEnvId];
  if (r.state === 'completed') {
    r.statusMessage = 'Restore completed';
    if (env && snap?.modelVersion) env.dbModelVersion = snap.modelVersion;
  } else {
    r.statusMessage = 'Restore failed';
  }
}

/** True (and consumed) when a test asked the next job of this kind on the environment to fail. */
export function takeFailure(env: Environment, kind: BackupJobKind): boolean {
  const list = env.failNext ?? [];
  const i = list.indexOf(kind);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

/** Transport 503 window: the package exists but its MDA is still being processed. */
export function isProcessing(pkg: Pkg, now: number): boolean {
  return pkg.status !== 'Failed' && (pkg.status !== 'Succeeded' || now < pkg.processedAt);
}

/** True while a snapshot or restore is under way on the environment (ENVIRONMENT_BUSY). */
export function environmentBusy(store: Store, envId: string): boolean {
  const s = store.state;
  return (
    Object.values(s.snapshots).some((x) => x.envId === envId && (x.state === 'queued' || x.state === 'running')) ||
    Object.values(s.restores).some((x) => x.targetEnvId === envId && (x.state === 'queued' || x.state === 'running'))
  );
}
