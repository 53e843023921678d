/** The checklist: steps grouped by phase, each with its state, times, instructions and actions. */
import { formatBytes, formatDurationMs, formatSeconds, formatTime, percentOf } from './format';
import type { PhaseGroup, StepAction, StepRow, TransferRow } from '../../core/ui/panel/protocol';
import { h, s, stepDomId } from './dom';

export const STATUS_TEXT: Readonly<Record<StepRow['status'], { icon: string; label: string }>> = {
  pending: { icon: '○', label: 'Pending' },
  running: { icon: '◔', label: 'Running' },
  done: { icon: '✓', label: 'Done' },
  failed: { icon: '✗', label: 'Failed' },
  // Drawn as an SVG (see statusIcon): the pause sign has no glyph in common Linux fonts.
  'waiting-for-person': { icon: '', label: 'Waiting for a person' },
  skipped: { icon: '↷', label: 'Skipped' },
};

const ACTION_LABELS: Readonly<Record<StepAction, string>> = {
  run: 'Run',
  verify: 'Verify',
  markDone: 'Mark Done',
  redo: 'Redo Step',
  openPortal: 'Open Portal',
  openApp: 'Open App',
  revealFile: 'Reveal File',
  copyPath: 'Copy Path',
  copySupportRequest: 'Copy Support Request',
  showLog: 'Show Log',
};

/**
 * A finished step says what its "done" rests on: Verified (a check ran and passed: which one),
 * Confirmed (only a person's word), Overridden (a check did not pass and a person overrode it).
 */
export function statusLabel(r: Pick<StepRow, 'status' | 'verification' | 'interrupted'>): string {
  if (r.interrupted) return 'Interrupted';
  if (r.status !== 'done' || !r.verification?.ok) return STATUS_TEXT[r.status].label;
  if (r.verification.basis === 'person') return 'Confirmed';
  if (r.verification.basis === 'override') return 'Overridden';
  return `Verified (${r.verification.check ?? 'API'})`;
}

/** The verification line under a step. */
export function verificationText(v: NonNullable<StepRow['verification']>): string {
  if (!v.ok) return `Not verified: ${v.detail}`;
  if (v.basis === 'person') return `Confirmed (nothing can check it): ${v.detail}`;
  if (v.basis === 'override') return `Overridden: ${v.detail}`;
  return `Verified (${v.check ?? 'API'}): ${v.detail}`;
}

function statusIcon(r: StepRow, label: string): HTMLElement {
  const el = h('span', { className: 'status-icon', role: 'img', 'aria-label': label, title: label });
  if (r.interrupted) {
    el.append('!');
  } else if (r.status === 'waiting-for-person') {
    el.append(s('svg', { viewBox: '0 0 16 16', width: 14, height: 14, 'aria-hidden': 'true' }, s('rect', { x: 3, y: 2, width: 3.5, height: 12, fill: 'currentColor' }), s('rect', { x: 9.5, y: 2, width: 3.5, height: 12, fill: 'currentColor' })));
  } else {
    el.append(STATUS_TEXT[r.status].icon);
  }
  return el;
}

const KIND_TEXT = { api: 'automatic', portal: 'portal', support: 'support request' } as const;

export function renderPhases(phases: readonly PhaseGroup[], steps: readonly StepRow[], collapsed: ReadonlySet<string>): HTMLElement {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const wrap = h('div', { id: 'phases' });
  for (const p of phases) {
    const rows = p.stepIds.map((id) => byId.get(id)).filter((r): r is StepRow => r !== undefined);
    const open = !collapsed.has(p.phase);
    const listId = `phase-${p.phase}`;
    const toggle = h(
      'button',
      { className: 'phase-toggle', 'aria-expanded': String(open), 'aria-controls': listId, 'data-phase': p.phase },
      h('span', { className: 'chevron', 'aria-hidden': 'true' }, open ? '▾' : '▸'),
      ` ${p.label} `,
      h('span', { className: 'phase-count', 'data-phase-count': p.phase }, phaseCount(rows)),
    );
    const list = h('ol', { id: listId, className: 'steps', hidden: !open });
    for (const r of rows) list.append(renderStep(r));
    wrap.append(h('section', { className: 'phase', 'data-phase': p.phase }, h('h3', {}, toggle), list));
  }
  return wrap;
}

export function phaseCount(rows: readonly StepRow[]): string {
  const done = rows.filter((r) => r.status === 'done' || r.status === 'skipped').length;
  return `${done}/${rows.length}`;
}

export function renderStep(r: StepRow, transfer?: TransferRow): HTMLLIElement {
  const label = statusLabel(r);
  const basis = r.status === 'done' && r.verification?.ok ? ` basis-${r.verification.basis}` : '';
  const meta: string[] = [];
  if (r.startedAt) meta.push(`started ${formatTime(r.startedAt)}`);
  if (r.durationMs !== undefined) meta.push(`took ${formatDurationMs(r.durationMs)}`);
  if (r.waitingSince && r.status === 'waiting-for-person') meta.push(`waiting since ${formatTime(r.waitingSince)}`);
  if (r.attempts > 1) meta.push(`${r.attempts} attempts`);
  const li = h(
    'li',
    { id: stepDomId(r.id), className: `step status-${r.status}${basis}${r.interrupted ? ' interrupted' : ''}`, 'data-step': r.id, 'data-status': r.status, 'aria-label': `${r.index}. ${r.title}: ${label}` },
    statusIcon(r, label),
    h(
      'div',
      { className: 'step-body' },
      h('div', { className: 'step-title' }, h('span', { className: 'step-index' }, `${r.index}.`), ` ${r.title} `, h('span', { className: 'badge kind' }, KIND_TEXT[r.kind])),
      h('div', { className: 'step-meta' }, h('span', { className: 'status-text' }, label), meta.length ? ` · ${meta.join(' · ')}` : ''),
      h('p', { className: 'describe' }, r.describe),
      r.confirmation &&
        h(
          'p',
          { className: 'confirmation' },
          r.confirmation.method === 'api'
            ? `Found done through the API at ${formatTime(r.confirmation.at)}`
            : `Confirmed by ${r.confirmation.by} (person) at ${formatTime(r.confirmation.at)}${r.confirmation.override !== undefined ? ` · override: ${r.confirmation.override}` : ''}`,
        ),
      r.verification && h('p', { className: `verification ${r.verification.ok ? `verified basis-${r.verification.basis}` : 'unverified'}` }, verificationText(r.verification)),
      r.appUrl && h('p', { className: 'app-url' }, 'App: ', h('a', { href: r.appUrl, title: `Open ${r.appUrl}` }, r.appUrl)),
      r.error &&
        h(
          'div',
          { className: 'error', role: 'alert' },
          h('strong', {}, 'Failed: '),
          r.error.message,
          r.error.hint && h('div', {}, r.error.hint),
          r.error.nextAction && h('div', {}, h('strong', {}, 'Next: '), r.error.nextAction),
        ),
      r.person &&
        h(
          'div',
          { className: 'person' },
          h('strong', {}, r.person.summary),
          h('ol', {}, ...r.person.actions.map((a) => h('li', {}, a))),
          r.person.file && h('div', { className: 'file' }, `File: ${r.person.file}`),
          r.requestText && h('pre', { className: 'request-text', 'aria-label': 'Support request text' }, r.requestText),
        ),
      !r.person && r.file && h('div', { className: 'file' }, `File: ${r.file}`),
      // A pending step (never run, or reset by a rollback) has no transfer to show: old figures would read as done.
      h('div', { className: 'transfer-slot' }, transfer && r.status !== 'pending' ? renderTransfer(transfer) : undefined),
      h(
        'div',
        { className: 'actions', role: 'group', 'aria-label': `Actions for ${r.title}` },
        ...r.actions.map((a) =>
          h('button', { className: a === 'run' || a === 'markDone' ? 'primary' : 'secondary', 'data-action': a, 'data-step': r.id, 'aria-label': `${ACTION_LABELS[a]}: ${r.title}` }, ACTION_LABELS[a]),
        ),
      ),
    ),
  );
  return li;
}

export function transferText(t: TransferRow): string {
  const pct = percentOf(t.bytes, t.total);
  const parts = [`${formatBytes(t.bytes)}${t.total !== undefined ? ` of ${formatBytes(t.total)}` : ''}`];
  if (pct !== undefined) parts.push(`${pct.toFixed(0)} %`);
  if (!t.done) parts.push(`${formatBytes(t.rate)}/s`);
  if (!t.done && t.etaSeconds !== undefined) parts.push(`about ${formatSeconds(Math.ceil(t.etaSeconds))} left`);
  if (t.done) parts.push('finished');
  return parts.join(' · ');
}

export function renderTransfer(t: TransferRow): HTMLElement {
  const pct = percentOf(t.bytes, t.total);
  const bar = h('progress', { className: 'transfer-bar', max: 100, 'aria-label': `Transfer of ${t.label}` });
  if (pct !== undefined) bar.value = pct;
  return h('div', { className: 'transfer', 'data-transfer': t.stepId }, h('div', { className: 'transfer-label' }, t.label), bar, h('div', { className: 'transfer-text' }, transferText(t)));
}

/** Updates a transfer in place: a progress tick never re-renders the step. */
export function patchTransfer(li: HTMLElement, t: TransferRow): void {
  const slot = li.querySelector('.transfer-slot');
  if (!slot) return;
  const existing = slot.querySelector<HTMLElement>('.transfer');
  if (!existing) {
    slot.append(renderTransfer(t));
    return;
  }
  const bar = existing.querySelector('progress');
  const pct = percentOf(t.bytes, t.total);
  if (bar) {
    if (pct !== undefined) bar.value = pct;
    else bar.removeAttribute('value');
  }
  const text = existing.querySelector('.transfer-text');
  if (text) text.textContent = transferText(t);
}
