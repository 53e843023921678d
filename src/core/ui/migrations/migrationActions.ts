/**
 * What the migration commands share (the palette, the Migrations view and the panel's buttons all
 * run the commands): each asks what it needs,
 * shows one cancellable "(n/m) step" notification for long work, and ends with a message naming
 * the next thing to do.
 */
import { UserCancelledError, UserFacingError } from '../kit/errors';
import { ReopenRefusedError } from '../../migration/reopenStep';
import type { VerifyResult } from '../../migration/stepTypes';
import { stepFacts } from '../panel/panelModel';
import { migrationProgress } from '../../migration/progress';
import type { Host, ProgressRunner, UserInput } from '../kit/userInput';
import type { RunOutcome } from '../../migration/runner';
import type { PlanLine } from '../../migration/plan';
import type { Journal, StepState } from '../../migration/types';
import { isJournalRef, isStepRef, requireFolder, type MigrationDeps } from './migrationDeps';

export interface OperationDeps {
  ui: UserInput;
  progress: ProgressRunner;
  host: Host;
}

const SETTLED = new Set(['done', 'skipped']);

/** The journal a command works on: the clicked row's, the only one, or one the person picks. */
export async function pickJournal(deps: Pick<OperationDeps, 'ui'>, wb: MigrationDeps, node: unknown, filter: (status: string) => boolean = () => true): Promise<string> {
  if (isJournalRef(node)) return node.journalFile;
  requireFolder(wb);
  const all = (await wb.journals()).filter((j) => !j.error && filter(j.status));
  if (all.length === 0) {
    // Name only commands that exist: "Start Migration from Here" (palette or the app's context menu).
    throw new UserFacingError('No migration in this workspace fits.', 'Start one with "Mendix: Start Migration from Here" (or right-click an app in the Apps view).');
  }
  if (all.length === 1) return all[0].file;
  return deps.ui.pick(
    all.map((j) => ({ label: j.name, description: `${j.phase} · ${j.done}/${j.total} steps`, detail: j.currentStep?.title, value: j.file })),
    { title: 'Migration', placeholder: 'Which migration?' },
  );
}

export interface StepChoice {
  /** Which steps fit the command (from the palette, the person picks one of them). */
  fits: (line: PlanLine, st: Readonly<StepState> | undefined, journal: Readonly<Journal>, lines: readonly PlanLine[]) => boolean;
  /** The quick pick's title, and the message when no step fits. */
  title: (name: string) => string;
  none: (name: string) => string;
  /** Take the only fitting step without asking (Mark Done); others always show what they act on. */
  takeSingle?: boolean;
  placeholder?: string;
  /** Which migrations to offer (by status); all when not given. */
  journals?: (status: string) => boolean;
}

/** The journal and step a step command works on: the panel's button names both; otherwise the person picks. */
export async function pickStep(deps: Pick<OperationDeps, 'ui'>, wb: MigrationDeps, node: unknown, choice: StepChoice): Promise<{ file: string; stepId: string }> {
  if (isStepRef(node)) return { file: node.journalFile, stepId: node.stepId };
  const file = await pickJournal(deps, wb, node, choice.journals);
  const j = await loadJournal(wb, file);
  const lines = wb.controller.planLines(file);
  const fitting = lines.filter((l) => choice.fits(l, j.steps[l.id], j, lines));
  if (fitting.length === 0) throw new UserFacingError(choice.none(j.name));
  if (fitting.length === 1 && choice.takeSingle) return { file, stepId: fitting[0].id };
  const stepId = await deps.ui.pick(
    fitting.map((l) => ({ label: `${l.index}. ${l.title}`, description: j.steps[l.id]?.status, detail: j.steps[l.id]?.person?.summary, value: l.id })),
    { title: choice.title(j.name), placeholder: choice.placeholder },
  );
  return { file, stepId };
}

export async function loadJournal(wb: MigrationDeps, file: string): Promise<Readonly<Journal>> {
  return wb.controller.peek(file) ?? (await wb.controller.load(file));
}

/** The step "Run Next Step" runs: the first one whose dependencies are settled and that is not. */
export function nextRunnableStep(wb: MigrationDeps, file: string, j: Readonly<Journal>): string | undefined {
  const status = (id: string) => j.steps[id]?.status ?? 'pending';
  return wb.controller
    .planLines(file)
    .find((l) => !SETTLED.has(status(l.id)) && status(l.id) !== 'waiting-for-person' && l.dependsOn.every((d) => SETTLED.has(status(d))))?.id;
}

/** Runs the plan (or one step) in a cancellable notification that reads "(n/m) step title". */
export async function runWithProgress(deps: OperationDeps, wb: MigrationDeps, file: string, onlyStep?: string, opts: { queue?: boolean } = {}): Promise<RunOutcome> {
  const j = await loadJournal(wb, file);
  if (j.status !== 'active') throw new UserFacingError(`Migration "${j.name}" is ${j.status}; nothing to run.`);
  const lines = wb.controller.planLines(file);
  // A step whose earlier steps are not done (a rollback reset them) is reached by running the plan.
  const only = wb.controller.planLines(file).find((l) => l.id === onlyStep);
  if (only && !only.dependsOn.every((d) => SETTLED.has(j.steps[d]?.status ?? 'pending'))) onlyStep = undefined;
  const title = `Migration ${j.name}`;
  let lastTick = 0;
  const outcome = await deps.progress.run(title, (report, signal) =>
    wb.controller.run(file, {
      onlyStep,
      signal,
      onQueued: opts.queue ? (busy) => report({ message: `waiting for the operation under way to end (${busy})…` }) : undefined,
      onEvent: (e) => {
        // Transfer ticks name their own step (several steps may run at once), at most twice a second.
        if (e.type === 'progress') {
          const t = Date.now();
          if (t - lastTick < 500) return;
          lastTick = t;
        }
        const now = wb.controller.peek(file);
        // The same count and the same current step the panel, the view and the status bar show.
        const p = now ? migrationProgress(lines, now, { busy: true }) : undefined;
        const percent = p && lines.length ? (p.done / lines.length) * 100 : undefined;
        const index = lines.findIndex((l) => l.id === e.stepId) + 1;
        if (e.type === 'progress') {
          report({ message: `(${index}/${lines.length}) ${e.title}${e.message ? `: ${e.message}` : ''}`, percent });
          return;
        }
        const running = p?.running[0];
        if (running) report({ message: `(${running.index}/${lines.length}) ${running.title}`, percent });
        else if (p?.waiting[0]) report({ message: `Waiting for you: ${p.waiting[0].title}`, percent });
        else report({ message: `(${index}/${lines.length}) ${e.title}`, percent });
      },
    }),
  );
  // The outcome is told in a notification nobody waits for; opening the panel from it is best effort.
  announce(deps, wb, file, outcome, onlyStep).catch(() => undefined);
  return outcome;
}

async function announce(deps: OperationDeps, wb: MigrationDeps, file: string, o: RunOutcome, onlyStep?: string): Promise<void> {
  // The visible panel's header and rows say it already; a toast would only cover its buttons (NOTES.md T7).
  if (wb.panelVisible(file)) return;
  const j = wb.controller.peek(file);
  const name = j?.name ?? 'migration';
  const step = onlyStep ? wb.controller.planLines(file).find((l) => l.id === onlyStep) : undefined;
  let text: string;
  if (step && j?.steps[step.id]?.status === 'done') text = `Done: ${step.title}.`;
  else if (o.status === 'completed') text = `Migration "${name}" is complete.`;
  else if (o.status === 'waiting-for-person') text = `Migration "${name}" needs you: ${o.waiting.map((w) => `${w.title} — ${w.instructions.summary}`).join('; ')}`;
  else if (o.status === 'failed' && o.failed.length === 0) text = `Migration "${name}": nothing more can run until the steps before are done.`;
  else if (o.status === 'failed') text = `Migration "${name}" stopped: ${o.failed.map((f) => `${f.title}: ${f.error.message}${f.error.nextAction ? ` (next: ${f.error.nextAction})` : ''}`).join('; ')}`;
  else if (o.status === 'cancelled') text = `Migration "${name}" paused; resume it any time.`;
  else text = `Migration "${name}" is aborted.`;
  // A single step is run from the panel (or for it): no need to offer the panel again.
  const choice = step ? await deps.ui.info(text) : await deps.ui.info(text, 'Open Panel');
  if (choice === 'Open Panel') await wb.openPanel(file);
}

export async function verifyWithMessage(deps: OperationDeps, wb: MigrationDeps, file: string, stepId: string): Promise<void> {
  const title = wb.controller.planLines(file).find((l) => l.id === stepId)?.title ?? stepId;
  const v = await deps.progress.run(`Verifying: ${title}`, (_report, signal) => wb.controller.verify(file, stepId, signal));
  void deps.ui.info(`${outcomeWord(v)}: ${title} — ${v.detail}`);
}

/** How a verification result reads: Verified (a check passed), Confirmed (a person's word), Overridden. */
export function outcomeWord(v: Pick<VerifyResult, 'ok' | 'basis'>): string {
  if (!v.ok) return 'Not verified';
  return v.basis === 'person' ? 'Confirmed' : v.basis === 'override' ? 'Overridden' : 'Verified';
}

/**
 * A person says a portal or support step is done: the engine runs the same detection a run does
 * and the step's check. When they pass, the run continues by itself; when not, nothing is marked
 * and the message says why (steps that allow it offer an explicit, recorded override).
 */
export async function markDoneWithMessage(deps: OperationDeps, wb: MigrationDeps, file: string, stepId: string): Promise<void> {
  const j = await loadJournal(wb, file);
  const st = j.steps[stepId];
  const line = wb.controller.planLines(file).find((l) => l.id === stepId);
  if (!line || !st) throw new UserFacingError(`Unknown step ${stepId}.`);
  if (line.kind === 'api' && st.status !== 'waiting-for-person') throw new UserFacingError(`"${line.title}" is done by the extension; use Run instead.`);
  await deps.ui.confirm(`Mark "${line.title}" as done?`, 'Mark Done', st.person ? `${st.person.summary}\n\nThe extension then checks it where an API or DNS allows.` : undefined);
  let v = await deps.progress.run(`Confirming: ${line.title}`, (report, signal) =>
    wb.controller.markDone(file, stepId, signal, undefined, (busy) => report({ message: `waiting for the run to pause (${busy})…` })),
  );
  if (!v.ok && line.allowsOverride) {
    // A later Mark Done (or a run) may prove the step while this question is open: it then closes.
    const done = () => wb.controller.peek(file)?.steps[stepId]?.status === 'done';
    const proved = new AbortController();
    const sub = wb.controller.onDidChange((c) => {
      if (c.kind === 'journal' && c.file === file && done()) proved.abort();
    });
    const reason = await deps.ui
      .input({
        title: `Override: ${line.title}`,
        prompt: `The check did not pass: ${v.detail}. To mark the step done anyway, say why (recorded in the journal and the report); Escape leaves it waiting.`,
        validate: (text) => (text.trim().length < 4 ? 'Give a reason (a few words).' : undefined),
        signal: proved.signal,
      })
      .catch((e: unknown) => {
        if (e instanceof UserCancelledError) return undefined;
        throw e;
      })
      .finally(() => sub.dispose());
    if (reason === undefined && done()) return;
    if (reason === undefined) throw new UserFacingError(`"${line.title}" is still waiting: ${v.detail}`, 'Finish it, then Mark Done again (or override with a reason).');
    v = await deps.progress.run(`Overriding: ${line.title}`, (_report, signal) => wb.controller.markDone(file, stepId, signal, reason.trim()));
  }
  if (!v.ok) throw new UserFacingError(`"${line.title}" is not done yet: ${v.detail}`, 'Finish it in the portal, then Mark Done again (or Redo Step to start it over).');
  // The step's row says Verified/Confirmed; while the run goes on its notification speaks (one toast fewer).
  // Another person action may hold the journal now (two Mark Done in a row): the run waits its turn.
  if (wb.controller.peek(file)?.status === 'active') await runWithProgress(deps, wb, file, undefined, { queue: true });
  else void deps.ui.info(`${outcomeWord(v)}: ${line.title}. ${v.detail}`);
}

/** "Redo Step": a person step goes back to pending and the run picks it up again. */
export async function redoStepWithMessage(deps: OperationDeps, wb: MigrationDeps, file: string, stepId: string): Promise<void> {
  const line = wb.controller.planLines(file).find((l) => l.id === stepId);
  if (!line) throw new UserFacingError(`Unknown step ${stepId}.`);
  await deps.ui.confirm(`Redo "${line.title}"?`, 'Redo Step', 'Its confirmation and check are cleared; the run then shows what to do again.');
  try {
    await wb.controller.reopen(file, stepId);
  } catch (e) {
    if (e instanceof ReopenRefusedError) throw new UserFacingError(`Cannot redo: ${e.message}.`);
    throw e;
  }
  await runWithProgress(deps, wb, file);
}

export async function openPortalFor(deps: OperationDeps, wb: MigrationDeps, file: string, stepId: string): Promise<void> {
  const url = wb.controller.instructions(file, stepId)?.url;
  if (!url) throw new UserFacingError('This step has no portal page to open.');
  await deps.host.openExternal(url);
}

export async function copySupportRequestFor(deps: OperationDeps, wb: MigrationDeps, file: string, stepId: string): Promise<void> {
  const text = wb.controller.instructions(file, stepId)?.requestText;
  if (!text) throw new UserFacingError('This step has no support request.');
  await deps.host.copyToClipboard(text);
  void deps.ui.info('The support request is on the clipboard; paste it into a Mendix Support ticket.');
}

/** The step commands "Open App", "Reveal File", "Copy Path": the step named, or picked among those that name a URL or file. */
export async function stepLinkCommand(deps: OperationDeps, wb: MigrationDeps, node: unknown, action: 'openApp' | 'revealFile' | 'copyPath'): Promise<void> {
  const what = action === 'openApp' ? 'appUrl' : 'file';
  const { file, stepId } = await pickStep(deps, wb, node, {
    fits: (l, _st, j, lines) => !!stepFacts(l, lines, j)[what],
    takeSingle: true,
    title: (name) => `Which step of ${name}?`,
    none: (name) => `No step of "${name}" names ${what === 'appUrl' ? 'an app URL' : 'a file'}.`,
  });
  await stepLinkAction(deps, wb, file, stepId, action);
}

/** "Open App", "Reveal File", "Copy Path" for the app URL or local file a step names. */
export async function stepLinkAction(deps: OperationDeps, wb: MigrationDeps, file: string, stepId: string, action: 'openApp' | 'revealFile' | 'copyPath'): Promise<void> {
  const j = await loadJournal(wb, file);
  const line = wb.controller.planLines(file).find((l) => l.id === stepId);
  if (!line) throw new UserFacingError(`Unknown step ${stepId}.`);
  const facts = stepFacts(line, wb.controller.planLines(file), j);
  if (action === 'openApp') {
    if (!facts.appUrl) throw new UserFacingError(`"${line.title}" names no app URL.`);
    await deps.host.openExternal(facts.appUrl);
    return;
  }
  if (!facts.file) throw new UserFacingError(`"${line.title}" names no file.`);
  if (action === 'revealFile') await deps.host.revealFile(facts.file);
  else {
    await deps.host.copyToClipboard(facts.file);
    void deps.ui.info(`Copied: ${facts.file}`);
  }
}
