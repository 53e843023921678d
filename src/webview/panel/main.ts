/**
 * The migration panel page. Renders the model the host sends, applies deltas in place (a progress
 * tick only touches its bar), keeps its view state with `setState` so the panel survives a reload,
 * and sends the person's clicks to the host as typed messages.
 */
import type { HostMessage, PageMessage, PanelModel, PanelViewState, RunAction, StepAction, StepRow } from '../../core/ui/panel/protocol';
import { byId, h, stepDomId } from './dom';
import { renderDiagram, renderDns, renderHeader, renderTimings, tickTtls } from './overviewView';
import { patchTransfer, phaseCount, renderPhases, renderStep } from './stepsView';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: PageState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** What the page keeps across reloads: the view state, and the last model for an instant first paint. */
interface PageState extends PanelViewState {
  model?: PanelModel;
  /** Finished phases the person opened again (finished phases start collapsed). */
  expanded?: string[];
}

const vscode = acquireVsCodeApi();
let model: PanelModel | undefined;
let jumped = false;
const saved = vscode.getState() as Partial<PageState> | undefined;
const collapsed = new Set<string>(Array.isArray(saved?.collapsed) ? saved.collapsed.filter((c): c is string => typeof c === 'string') : []);
const expanded = new Set<string>(Array.isArray(saved?.expanded) ? saved.expanded.filter((c): c is string => typeof c === 'string') : []);

function save(): void {
  if (!model) return;
  vscode.setState({ journalFile: model.journalFile, collapsed: [...collapsed], expanded: [...expanded], model });
}

/** A phase whose steps are all settled folds away unless the person opened it. */
function collapseFinished(): void {
  if (!model) return;
  const byId2 = new Map(model.steps.map((r) => [r.id, r]));
  for (const p of model.phases) {
    const settled = p.stepIds.every((id) => ['done', 'skipped'].includes(byId2.get(id)?.status ?? 'pending'));
    if (settled && !expanded.has(p.phase)) collapsed.add(p.phase);
  }
}

/** Opens the step's phase, scrolls the step into view and focuses it. */
function jumpTo(stepId: string): void {
  const p = model?.phases.find((x) => x.stepIds.includes(stepId));
  if (p && collapsed.has(p.phase)) {
    collapsed.delete(p.phase);
    expanded.add(p.phase);
    const list = byId(`phase-${p.phase}`);
    if (list) list.hidden = false;
    const toggle = document.querySelector(`button.phase-toggle[data-phase="${p.phase}"]`);
    toggle?.setAttribute('aria-expanded', 'true');
    const chevron = toggle?.querySelector('.chevron');
    if (chevron) chevron.textContent = '▾';
    save();
  }
  const li = byId(stepDomId(stepId));
  if (!li) return;
  li.scrollIntoView({ block: 'center' });
  li.setAttribute('tabindex', '-1');
  li.focus();
}

function root(): HTMLElement {
  const el = byId('app');
  if (!el) throw new Error('missing #app');
  return el;
}

function renderAll(): void {
  if (!model) return;
  const app = root();
  const focusedId = document.activeElement instanceof HTMLElement ? focusKey(document.activeElement) : undefined;
  app.replaceChildren(
    renderHeader(model.run),
    h('div', { id: 'notice', role: 'status', 'aria-live': 'polite' }),
    h('section', { id: 'checklist', 'aria-labelledby': 'checklist-h' }, h('h2', { id: 'checklist-h' }, 'Checklist'), renderPhases(model.phases, model.steps, collapsed)),
    renderTimings(model.timings),
    renderDiagram(model.diagram),
    renderDns(model.dns, Date.now()),
  );
  for (const t of model.transfers) {
    const li = byId(stepDomId(t.stepId));
    if (li) patchTransfer(li, t);
  }
  highlightCurrent();
  app.setAttribute('aria-busy', 'false');
  restoreFocus(focusedId);
}

/** A key to find "the same" control after a re-render, so keyboard users keep their place. */
function focusKey(el: HTMLElement): string | undefined {
  if (el.dataset.action && el.dataset.step) return `a:${el.dataset.action}:${el.dataset.step}`;
  if (el.dataset.runAction) return `r:${el.dataset.runAction}`;
  if (el.dataset.phase) return `p:${el.dataset.phase}`;
  return undefined;
}

function restoreFocus(key: string | undefined): void {
  if (!key) return;
  const [kind, a, b] = key.split(':');
  const sel =
    kind === 'a' ? `[data-action="${a}"][data-step="${b}"]` : kind === 'r' ? `[data-run-action="${a}"]` : `button.phase-toggle[data-phase="${a}"]`;
  document.querySelector<HTMLElement>(sel)?.focus();
}

function highlightCurrent(): void {
  for (const el of Array.from(document.querySelectorAll('.step.current'))) el.classList.remove('current');
  const id = model?.run.currentStepId;
  if (id) byId(stepDomId(id))?.classList.add('current');
}

function replaceStep(row: StepRow): void {
  const old = byId(stepDomId(row.id));
  if (!old || !model) return;
  const focusedId = document.activeElement instanceof HTMLElement && old.contains(document.activeElement) ? focusKey(document.activeElement) : undefined;
  const transfer = model.transfers.find((t) => t.stepId === row.id);
  old.replaceWith(renderStep(row, transfer));
  restoreFocus(focusedId);
}

function replaceSection(id: string, next: HTMLElement): void {
  const old = byId(id);
  if (!old) return;
  const focusedId = document.activeElement instanceof HTMLElement && old.contains(document.activeElement) ? focusKey(document.activeElement) : undefined;
  old.replaceWith(next);
  restoreFocus(focusedId);
}

function applyUpdate(m: Extract<HostMessage, { type: 'update' }>): void {
  if (!model) return;
  if (m.steps) {
    const byId2 = new Map(m.steps.map((r) => [r.id, r]));
    model.steps = model.steps.map((r) => byId2.get(r.id) ?? r);
    for (const r of m.steps) replaceStep(r);
    for (const p of model.phases) {
      const count = document.querySelector(`[data-phase-count="${p.phase}"]`);
      if (count) count.textContent = phaseCount(model.steps.filter((s) => p.stepIds.includes(s.id)));
    }
  }
  // An unchanged header is not redrawn: its buttons stay the same elements under a person's pointer.
  if (m.run && JSON.stringify(m.run) !== JSON.stringify(model.run)) {
    model.run = m.run;
    replaceSection('run-header', renderHeader(m.run));
  }
  if (m.timings) {
    model.timings = m.timings;
    replaceSection('timings', renderTimings(m.timings));
  }
  if (m.diagram) {
    model.diagram = m.diagram;
    replaceSection('diagram', renderDiagram(m.diagram));
  }
  if (m.dns) {
    model.dns = m.dns;
    replaceSection('dns', renderDns(m.dns, Date.now()));
  }
  if (m.transfers) {
    for (const t of m.transfers) {
      const i = model.transfers.findIndex((x) => x.stepId === t.stepId);
      if (i >= 0) model.transfers[i] = t;
      else model.transfers.push(t);
      const li = byId(stepDomId(t.stepId));
      if (li) patchTransfer(li, t);
    }
  }
  if (m.notice) {
    const n = byId('notice');
    if (n) {
      n.className = `notice notice-${m.notice.level}`;
      n.textContent = m.notice.text;
    }
  }
  highlightCurrent();
  save();
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const m = event.data;
  if (m.type === 'init') {
    model = m.model;
    collapseFinished();
    renderAll();
    save();
    // The panel opens at the step that needs the person.
    if (!jumped && m.model.run.nowStepId) {
      jumped = true;
      jumpTo(m.model.run.nowStepId);
    }
  } else if (m.type === 'update') {
    applyUpdate(m);
  }
});

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('button') : null;
  if (!target || target.disabled) return;
  const d = target.dataset;
  if (d.jump) {
    jumpTo(d.jump);
  } else if (d.action && d.step) {
    vscode.postMessage({ type: 'stepAction', action: d.action as StepAction, stepId: d.step });
  } else if (d.runAction) {
    vscode.postMessage({ type: 'runAction', action: d.runAction as RunAction });
  } else if (d.phase && target.classList.contains('phase-toggle')) {
    const open = target.getAttribute('aria-expanded') !== 'true';
    target.setAttribute('aria-expanded', String(open));
    const chevron = target.querySelector('.chevron');
    if (chevron) chevron.textContent = open ? '▾' : '▸';
    const list = byId(`phase-${d.phase}`);
    if (list) list.hidden = !open;
    if (open) {
      collapsed.delete(d.phase);
      expanded.add(d.phase);
    } else {
      collapsed.add(d.phase);
      expanded.delete(d.phase);
    }
    save();
  }
});

setInterval(() => tickTtls(document, Date.now()), 1000);

if (saved?.model && typeof saved.model === 'object') {
  model = saved.model;
  renderAll();
}
vscode.postMessage({ type: 'ready' });
