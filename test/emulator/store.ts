/**
 * Holds the model, the virtual clock and persistence, and answers the look-ups every route needs.
 * Async transitions live in lifecycle.ts; this file only stores and finds.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { VirtualClock } from './clock';
import type { AppNode, EmulatorState, Environment, Project } from './model';

export type PendingKind = 'package' | 'upload' | 'start' | 'snapshot' | 'archive' | 'restore';

export class Store {
  /** Async items that still have transitions ahead, as `kind:id`. */
  readonly pending = new Set<string>();
  /**
   * Real work a job's final state waits for, as `kind:id` → the work (an archive is "Done preparing"
   * only once its bytes are on disk, so its download starts at once, as it does from cloud storage).
   */
  readonly holds = new Map<string, Promise<void>>();
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(
    public state: EmulatorState,
    readonly clock: VirtualClock,
    private readonly stateFile: string | undefined,
  ) {
    this.rebuildPending();
  }

  now(): number {
    return this.clock.now();
  }

  /** Replaces the whole model (reset to a seed, or load). */
  replace(state: EmulatorState): void {
    this.state = state;
    this.rebuildPending();
    this.changed();
  }

  rebuildPending(): void {
    this.pending.clear();
    const s = this.state;
    for (const p of Object.values(s.packages)) if (p.timeline) this.pending.add(`package:${p.id}`);
    for (const j of Object.values(s.uploadJobs)) if (j.status === 'Queued' || j.status === 'Running') this.pending.add(`upload:${j.id}`);
    for (const j of Object.values(s.startJobs)) if (j.result === null) this.pending.add(`start:${j.id}`);
    for (const x of Object.values(s.snapshots)) if (x.timeline) this.pending.add(`snapshot:${x.id}`);
    for (const x of Object.values(s.archives)) if (x.timeline) this.pending.add(`archive:${x.id}`);
    for (const x of Object.values(s.restores)) if (x.timeline) this.pending.add(`restore:${x.id}`);
  }

  track(kind: PendingKind, id: string): void {
    this.pending.add(`${kind}:${id}`);
  }

  /** Holds `kind:id` short of its final state until `work` settled (failed work releases it too). */
  hold(kind: PendingKind, id: string, work: Promise<unknown>): void {
    const key = `${kind}:${id}`;
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.holds.set(key, settled);
    void settled.then(() => {
      if (this.holds.get(key) === settled) this.holds.delete(key);
    });
  }

  /** Resolves once every held job's work is done (a clock jump covers that work as well). */
  async settleHolds(): Promise<void> {
    await Promise.all(this.holds.values());
  }

  /** Schedules a save of the state file (debounced: many changes in a burst cost one write). */
  changed(): void {
    if (!this.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow();
    }, 100);
  }

  saveNow(): void {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    if (!this.stateFile) return;
    this.state.virtualNowMs = this.now();
    mkdirSync(dirname(this.stateFile), { recursive: true });
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.stateFile);
  }

  static load(file: string): EmulatorState | undefined {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as EmulatorState;
      return parsed.version === 1 ? parsed : undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  // ---- look-ups ----

  nodeBySubdomain(sub: string): AppNode | undefined {
    const wanted = sub.toLowerCase();
    return Object.values(this.state.nodes).find((n) => n.subdomain === wanted);
  }

  nodeOfProject(projectId: string): AppNode | undefined {
    return Object.values(this.state.nodes).find((n) => n.linkedProjectId === projectId);
  }

  projectOfNode(node: AppNode): Project | undefined {
    return node.linkedProjectId ? this.state.projects[node.linkedProjectId] : undefined;
  }

  environmentsOf(node: AppNode): Environment[] {
    return node.environmentIds.map((id) => this.state.environments[id]).filter((e): e is Environment => e !== undefined);
  }

  /** v1 `<Mode>` is matched case-insensitively. */
  environmentByMode(node: AppNode, mode: string): Environment | undefined {
    const wanted = mode.toLowerCase();
    return this.environmentsOf(node).find((e) => e.name.toLowerCase() === wanted);
  }

  nodeOfEnvironment(env: Environment): AppNode {
    const node = this.state.nodes[env.nodeId];
    if (!node) throw new Error(`environment ${env.id} has no node`);
    return node;
  }

  /** The project an environment currently serves (its node's linked project). */
  projectIdOfEnvironment(env: Environment): string | null {
    return this.state.nodes[env.nodeId]?.linkedProjectId ?? null;
  }
}
