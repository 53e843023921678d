/**
 * Journal → what the panel shows. Pure functions over the engine's plain data, so the panel owns no
 * migration logic: it renders the journal and offers the actions that fit each step's state.
 */
import type { PlanLine } from '../../migration/plan';
import { migrationProgress, RUN_STATE_LABELS } from '../../migration/progress';
import { preflightWarnings } from '../../migration/steps/startSteps';
import { str } from '../../migration/steps/common';
import { V3_TO_V4_ITEM_IDS } from '../../migration/preflight';
import { predictDowntimeMs } from '../../migration/timings';
import type { Journal, JsonObject, Phase, StepState } from '../../migration/types';
import { buildDiagram } from './diagram';
import type { PanelModel, PhaseGroup, RunInfo, StepAction, StepRow, TimingsModel } from './protocol';

export const PHASE_LABELS: Readonly<Record<Phase, string>> = {
  preflight: 'Preflight',
  'link-target': 'Link the target node',
  'carry-package': 'Carry the package',
  'prepare-target': 'Prepare the target',
  backup: 'Back up the source',
  restore: 'Restore on the target',
  configure: 'Configuration',
  test: 'Test and rehearse',
  cutover: 'Cutover (data freeze)',
  relink: 'Relink the app',
  url: 'App URL',
  'custom-domain': 'Custom domain',
  offboard: 'Offboard the source',
};

const SETTLED = new Set(['done', 'skipped']);

/** What else a step's buttons depend on besides its own state. */
export interface StepContextFacts {
  /** A later step resting on this one is done or running (Redo would be refused). */
  dependentsStarted?: boolean;
  /** An app URL the step names (it started or checked an environment). */
  appUrl?: string;
  /** A local file the step names (a download, the backup to upload). */
  file?: string;
}

/** Which buttons a step offers in its current state. */
export function stepActions(line: Pick<PlanLine, 'kind'>, st: Readonly<StepState>, depsSettled: boolean, runActive: boolean, facts: StepContextFacts = {}): StepAction[] {
  const out: StepAction[] = [];
  // A failed step always offers Run: when a rollback reset the steps before it, Run goes through them again.
  if (runActive && st.status !== 'running' && !SETTLED.has(st.status) && st.status !== 'waiting-for-person' && (depsSettled || st.status === 'failed')) out.push('run');
  if (runActive && st.status === 'waiting-for-person') out.push('markDone');
  if (st.person?.url) out.push('openPortal');
  if (st.person?.requestText) out.push('copySupportRequest');
  if (st.status === 'done' || st.status === 'waiting-for-person' || (line.kind !== 'api' && st.confirmation)) out.push('verify');
  const personStep = line.kind !== 'api' || st.confirmation?.method === 'person';
  if (runActive && personStep && ['done', 'waiting-for-person', 'failed'].includes(st.status) && !facts.dependentsStarted) out.push('redo');
  if (facts.appUrl) out.push('openApp');
  if (facts.file) out.push('revealFile', 'copyPath');
  out.push('showLog');
  return out;
}

/** The app URL and local file a step names (its outputs or its instructions). */
export function stepFacts(line: PlanLine, lines: readonly PlanLine[], journal: Readonly<Journal>): StepContextFacts {
  const st = journal.steps[line.id];
  const facts: StepContextFacts = {};
  if (!st) return facts;
  const url = st.outputs.url;
  if (typeof url === 'string' && /^https?:\/\//.test(url)) facts.appUrl = url;
  const path = st.person?.file ?? st.outputs.path;
  if (typeof path === 'string' && path !== '') facts.file = path;
  facts.dependentsStarted = lines.some((l) => l.dependsOn.includes(line.id) && ['done', 'running'].includes(journal.steps[l.id]?.status ?? 'pending'));
  return facts;
}

export function stepRow(line: PlanLine, journal: Readonly<Journal>, lines: readonly PlanLine[] = [line], busy = false): StepRow {
  const st: StepState = journal.steps[line.id] ?? { status: 'pending', attempts: 0, outputs: {}, intents: [] };
  const depsSettled = line.dependsOn.every((d) => SETTLED.has(journal.steps[d]?.status ?? 'pending'));
  const facts = stepFacts(line, lines, journal);
  const row: StepRow = {
    id: line.id,
    index: line.index,
    title: line.title,
    phase: line.phase,
    kind: line.kind,
    status: st.status,
    describe: line.describe,
    attempts: st.attempts,
    actions: stepActions(line, st, depsSettled, journal.status === 'active', facts),
  };
  if (st.status === 'running' && !busy) row.interrupted = true;
  if (st.startedAt) row.startedAt = st.startedAt;
  if (st.finishedAt) row.finishedAt = st.finishedAt;
  if (st.durationMs !== undefined) row.durationMs = st.durationMs;
  if (st.waitingSince) row.waitingSince = st.waitingSince;
  if (st.confirmation) row.confirmation = { ...st.confirmation };
  if (st.verification) {
    row.verification = { ok: st.verification.ok, detail: st.verification.detail, basis: st.verification.basis ?? 'check' };
    if (st.verification.check) row.verification.check = st.verification.check;
  }
  if (st.error) row.error = { message: st.error.message, hint: st.error.hint, nextAction: st.error.nextAction };
  if (st.person) {
    row.person = { summary: st.person.summary, actions: [...st.person.actions], url: st.person.url, file: st.person.file, hasRequestText: !!st.person.requestText };
    if (st.person.requestText) row.requestText = st.person.requestText;
  }
  if (facts.appUrl) row.appUrl = facts.appUrl;
  if (facts.file) row.file = facts.file;
  return row;
}

export function phaseGroups(lines: readonly PlanLine[]): PhaseGroup[] {
  const out: PhaseGroup[] = [];
  for (const l of lines) {
    let g = out.find((x) => x.phase === l.phase);
    if (!g) {
      g = { phase: l.phase, label: PHASE_LABELS[l.phase], stepIds: [] };
      out.push(g);
    }
    g.stepIds.push(l.id);
  }
  return out;
}

/**
 * The step the run is about (the status bar's phase, the view's row, the panel's highlight): the
 * running one, else a failed one, else one waiting for a person, else the next that can run; the
 * same focus migrationProgress gives every surface.
 */
export function currentStepId(lines: readonly PlanLine[], journal: Readonly<Journal>, busy = false): string | undefined {
  return migrationProgress(lines, journal, { busy }).focus?.id;
}

/** `saying`: what the host must say now instead of the journal's reading (an open question, a rollback under way). */
export function runInfo(lines: readonly PlanLine[], journal: Readonly<Journal>, busy?: string, saying?: string): RunInfo {
  const i = journal.input;
  const p = migrationProgress(lines, journal, { busy: busy !== undefined });
  const info: RunInfo = {
    name: journal.name,
    flavour: i.flavour,
    status: journal.status,
    source: `${i.source.name} (${i.source.nodeSubdomain}, ${i.source.environment})`,
    target: `${i.target.nodeSubdomain} (${i.target.environment})`,
    updatedAt: journal.updatedAt,
    doneCount: p.done,
    totalCount: p.total,
    state: p.state,
    stateLabel: RUN_STATE_LABELS[p.state],
    now: saying ?? p.now,
  };
  // One focus for the highlight and the "Go to step" link (migrationProgress, as every surface).
  if (p.focus) {
    info.nowStepId = p.focus.id;
    info.currentStepId = p.focus.id;
  }
  if (busy) info.busy = busy;
  if (journal.abort) info.abort = { ...journal.abort };
  const warnings = preflightWarnings(journal.steps.preflight?.outputs ?? {});
  if (warnings.length > 0 && !journal.warningsAcknowledged) info.warnings = warnings;
  if (i.flavour === 'v3-to-v4') {
    const report = journal.steps.preflight?.outputs.report;
    const items = Array.isArray(report) ? report.filter((x): x is JsonObject => !!x && typeof x === 'object' && !Array.isArray(x)) : [];
    const c = items.filter((x) => typeof x.id === 'string' && V3_TO_V4_ITEM_IDS.includes(x.id)).map((x) => `${str(x.title) ?? ''}: ${str(x.detail) ?? ''}`);
    info.considerations = c.length ? c : ['TLS 1.2+ only; database connections per GB of database RAM; file connections; no VPN; monitoring differs; the debugger needs one instance; long scheduled events (Mendix 7) — the preflight lists them for this app'];
  }
  const rb = journal.cutover.rollback;
  if (info.state === 'rolled-back' && rb) {
    const undone = lines.filter((l) => l.phase === 'cutover' && (journal.steps[l.id]?.status ?? 'pending') === 'pending' && (journal.steps[l.id]?.attempts ?? 0) > 0).map((l) => l.title);
    info.rollback = { at: rb.at, reason: rb.reason, detail: rb.detail, undone };
  }
  return info;
}

export function timingsModel(lines: readonly PlanLine[], journal: Readonly<Journal>): TimingsModel {
  const title = (id: string) => lines.find((l) => l.id === id)?.title ?? id;
  const c = journal.cutover;
  const out: TimingsModel = {
    rehearsals: journal.rehearsals.map((r) => {
      const steps = Object.entries(r.durationsMs).map(([id, ms]) => ({ id, title: title(id), ms }));
      return { startedAt: r.startedAt, totalMs: steps.reduce((a, s) => a + s.ms, 0), steps };
    }),
  };
  const predicted = c.predictedDowntimeMs ?? predictDowntimeMs(journal);
  if (predicted !== undefined) out.predictedDowntimeMs = predicted;
  if (c.measuredDowntimeMs !== undefined) out.measuredDowntimeMs = c.measuredDowntimeMs;
  if (c.startedAt) out.cutoverStartedAt = c.startedAt;
  if (c.endedAt) out.cutoverEndedAt = c.endedAt;
  if (c.rollback) out.rollback = `${c.rollback.result} at ${c.rollback.at}: ${c.rollback.reason}`;
  return out;
}

/** The whole model (transfers and DNS are live data the host adds). */
export function buildPanelModel(journalFile: string, lines: readonly PlanLine[], journal: Readonly<Journal>, busy?: string, saying?: string): PanelModel {
  const run = runInfo(lines, journal, busy, saying);
  return {
    journalFile,
    run,
    phases: phaseGroups(lines),
    steps: lines.map((l) => stepRow(l, journal, lines, busy !== undefined)),
    timings: timingsModel(lines, journal),
    transfers: [],
    diagram: buildDiagram(journal, run.currentStepId),
  };
}

/** Step rows that differ between two models (by content), in plan order. */
export function changedSteps(prev: readonly StepRow[], next: readonly StepRow[]): StepRow[] {
  const before = new Map(prev.map((r) => [r.id, JSON.stringify(r)]));
  return next.filter((r) => before.get(r.id) !== JSON.stringify(r));
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
