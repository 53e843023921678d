/** The header, the timings, the node-link diagram and the DNS section. */
import { formatDurationMs, formatSeconds, formatTime } from './format';
import type { DiagramModel, DnsModel, RunInfo, TimingsModel } from '../../core/ui/panel/protocol';
import { h, s } from './dom';

const BOX_W = 170;
const BOX_H = 56;

export function renderHeader(run: RunInfo): HTMLElement {
  const pct = run.totalCount ? Math.round((run.doneCount / run.totalCount) * 100) : 0;
  const bar = h('progress', { max: 100, 'aria-label': 'Steps done' });
  bar.value = pct;
  return h(
    'header',
    { id: 'run-header' },
    h('h1', {}, `Migration: ${run.name}`),
    h('p', { className: 'route' }, `${run.source} → ${run.target} · ${run.flavour === 'v3-to-v4' ? 'Mendix Cloud v3 → v4' : 'node / region move'}`),
    h(
      'div',
      { className: 'run-line' },
      h('span', { className: `badge run-${run.status} state-${run.state}`, id: 'run-status', 'data-state': run.state }, run.stateLabel),
      h('span', { id: 'run-progress-text' }, ` ${run.doneCount} of ${run.totalCount} steps done `),
      bar,
      run.busy ? h('span', { className: 'busy', role: 'status' }, ` ${run.busy}…`) : undefined,
    ),
    h(
      'p',
      { id: 'now', className: `now state-${run.state}` },
      h('strong', {}, 'Now: '),
      run.now.replace(/^Now: /, ''),
      run.nowStepId ? h('button', { className: 'link', 'data-jump': run.nowStepId, title: 'Scroll to the step that needs you' }, 'Go to step') : undefined,
    ),
    run.rollback &&
      h(
        'div',
        { className: 'error rollback', role: 'alert', id: 'rollback-banner' },
        h('strong', {}, `Cutover rolled back at ${formatTime(run.rollback.at)}: `),
        run.rollback.reason,
        h('div', {}, `The source was restarted and serves users again${run.rollback.detail ? ` (${run.rollback.detail})` : ''}.`),
        run.rollback.undone.length ? h('div', {}, `Undone: ${run.rollback.undone.join(', ')}.`) : undefined,
        h('div', {}, h('strong', {}, 'Next: '), 'fix the cause named above, then Run the failed step; the cutover starts again from stopping the source.'),
      ),
    run.warnings?.length
      ? h(
          'div',
          { className: 'warnings', role: 'region', 'aria-label': 'Warnings to acknowledge', id: 'warnings' },
          h('strong', {}, `${run.warnings.length} warning(s) from the preflight:`),
          h('ul', {}, ...run.warnings.map((w) => h('li', {}, w))),
          h('button', { className: 'secondary', 'data-run-action': 'ackWarnings' }, 'Acknowledge Warnings'),
        )
      : undefined,
    run.considerations?.length
      ? h(
          'details',
          { className: 'considerations', id: 'considerations', open: true },
          h('summary', {}, 'Mendix Cloud v4 considerations for this app'),
          h('ul', {}, ...run.considerations.map((c) => h('li', {}, c))),
        )
      : undefined,
    run.abort && h('p', { className: 'error', role: 'alert' }, `Aborted at ${formatTime(run.abort.at)}: ${run.abort.reason}. ${run.abort.sourceTouched ? 'The source was restarted.' : 'The source was not touched.'}`),
    h(
      'nav',
      { className: 'sections', 'aria-label': 'Panel sections' },
      h('a', { href: '#checklist' }, 'Checklist'),
      ' · ',
      h('a', { href: '#timings' }, 'Timings'),
      ' · ',
      h('a', { href: '#diagram' }, 'Diagram'),
      ' · ',
      h('a', { href: '#dns' }, 'DNS'),
    ),
    h(
      'div',
      { className: 'actions', role: 'group', 'aria-label': 'Migration actions' },
      run.status === 'active' ? h('button', { className: 'primary', 'data-run-action': 'runAll', disabled: !!run.busy }, 'Run Until a Person Is Needed') : undefined,
      h('button', { className: 'secondary', 'data-run-action': 'exportReport' }, 'Export Report'),
    ),
  );
}

export function renderTimings(t: TimingsModel): HTMLElement {
  const sec = h('section', { id: 'timings', 'aria-labelledby': 'timings-h' }, h('h2', { id: 'timings-h' }, 'Rehearsal timings and downtime'));
  sec.append(
    h(
      'p',
      { className: 'downtime' },
      h('strong', {}, 'Predicted cutover downtime: '),
      t.predictedDowntimeMs !== undefined ? formatDurationMs(t.predictedDowntimeMs) : 'not known yet (needs a full rehearsal)',
      t.measuredDowntimeMs !== undefined ? h('span', {}, ' · ', h('strong', {}, 'measured: '), formatDurationMs(t.measuredDowntimeMs)) : undefined,
    ),
  );
  if (t.rollback) sec.append(h('p', { className: 'error' }, `Rollback: ${t.rollback}`));
  if (t.rehearsals.length === 0) {
    sec.append(h('p', { className: 'muted' }, 'No rehearsal recorded yet.'));
    return sec;
  }
  t.rehearsals.forEach((r, i) => {
    const table = h('table', {}, h('caption', {}, `Rehearsal ${i + 1}, started ${formatTime(r.startedAt)}, ${formatDurationMs(r.totalMs)} in total`));
    table.append(h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Step'), h('th', { scope: 'col' }, 'Duration'))));
    table.append(h('tbody', {}, ...r.steps.map((st) => h('tr', {}, h('td', {}, st.title), h('td', {}, formatDurationMs(st.ms))))));
    sec.append(table);
  });
  return sec;
}

export function renderDiagram(d: DiagramModel): HTMLElement {
  const byId = new Map(d.boxes.map((b) => [b.id, b]));
  const svg = s('svg', { viewBox: '0 0 600 250', role: 'img', 'aria-labelledby': 'diagram-title diagram-desc', className: `diagram stage-${d.stage}` });
  svg.append(s('title', { id: 'diagram-title' }, 'Which app is linked to which node'), s('desc', { id: 'diagram-desc' }, d.caption));
  for (const l of d.links) {
    const a = byId.get(l.from);
    const b = byId.get(l.to);
    if (!a || !b) continue;
    svg.append(
      s('line', {
        x1: a.x + BOX_W / 2,
        y1: a.y + BOX_H,
        x2: b.x + BOX_W / 2,
        y2: b.y,
        className: `link link-${l.state}${l.active ? ' active' : ''}`,
        'data-link': `${l.from}>${l.to}`,
      }),
    );
  }
  for (const b of d.boxes) {
    svg.append(
      s(
        'g',
        { className: `box box-${b.kind} box-${b.state}${b.active ? ' active' : ''}`, 'data-box': b.id },
        s('rect', { x: b.x, y: b.y, width: BOX_W, height: BOX_H, rx: 6 }),
        s('text', { x: b.x + BOX_W / 2, y: b.y + 24, className: 'box-label' }, truncate(b.label, 22)),
        s('text', { x: b.x + BOX_W / 2, y: b.y + 42, className: 'box-sub' }, b.sublabel),
      ),
    );
  }
  return h('section', { id: 'diagram', 'aria-labelledby': 'diagram-h' }, h('h2', { id: 'diagram-h' }, 'Apps and nodes'), svg, h('p', { className: 'caption' }, d.caption));
}

function truncate(t: string, n: number): string {
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

/** Seconds left of a cached answer, counted down locally from its expiry time. */
export function ttlLeft(expiresAt: string | undefined, now: number): number | undefined {
  if (!expiresAt) return undefined;
  const t = Date.parse(expiresAt);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.ceil((t - now) / 1000));
}

function gauge(pct: number): SVGSVGElement {
  const r = 28;
  const c = 2 * Math.PI * r;
  const filled = (Math.max(0, Math.min(100, pct)) / 100) * c;
  return s(
    'svg',
    { viewBox: '0 0 72 72', className: 'gauge', role: 'img', 'aria-label': `Propagation ${pct} percent` },
    s('circle', { cx: 36, cy: 36, r, className: 'gauge-track' }),
    s('circle', { cx: 36, cy: 36, r, className: 'gauge-fill', 'stroke-dasharray': `${filled.toFixed(1)} ${c.toFixed(1)}`, transform: 'rotate(-90 36 36)' }),
    s('text', { x: 36, y: 41, className: 'gauge-text' }, `${pct}%`),
  );
}

export function renderDns(d: DnsModel | undefined, now: number): HTMLElement {
  const sec = h('section', { id: 'dns', 'aria-labelledby': 'dns-h' }, h('h2', { id: 'dns-h' }, 'Custom domain DNS'));
  if (!d) {
    sec.append(h('p', { className: 'muted' }, 'This migration keeps no custom domain.'));
    return sec;
  }
  const state = d.paused ? 'paused while the panel is hidden' : d.watching ? 'watching' : d.complete ? 'complete' : 'not watching';
  sec.append(
    h('p', {}, h('strong', {}, d.domain), ' should be a CNAME to ', h('code', {}, d.expected), h('span', { className: 'muted', id: 'dns-state' }, ` · ${state}`)),
    h(
      'div',
      { className: 'actions', role: 'group', 'aria-label': 'DNS actions' },
      d.watching ? h('button', { className: 'secondary', 'data-run-action': 'stopDns' }, 'Stop Watching') : h('button', { className: 'primary', 'data-run-action': 'watchDns' }, 'Watch Propagation'),
    ),
  );
  if (d.error) sec.append(h('p', { className: 'error', role: 'alert' }, d.error));
  if (d.readiness) {
    const ok = d.readiness.status === 'ready' || d.readiness.status === 'raise-again';
    sec.append(
      h(
        'div',
        { className: `banner ${ok ? 'banner-ok' : 'banner-warn'}`, role: 'note', id: 'ttl-banner' },
        h('strong', {}, `TTL readiness: ${d.readiness.status}. `),
        ...d.readiness.messages.map((m) => h('div', {}, m)),
        ...d.readiness.warnings.map((w) => h('div', { className: 'warn' }, w)),
      ),
    );
  }
  if (d.authoritative) {
    sec.append(
      h(
        'p',
        { id: 'dns-authoritative' },
        h('strong', {}, 'Authoritative answer: '),
        h('span', { className: d.authoritative.ok ? 'ok' : 'bad' }, `${d.authoritative.ok ? '✓' : '✗'} `),
        d.authoritative.value,
        d.authoritative.ttl !== undefined ? ` (TTL ${d.authoritative.ttl} s)` : '',
        d.authoritative.servers ? h('span', { className: 'muted' }, ` from ${d.authoritative.servers}`) : undefined,
      ),
    );
  }
  sec.append(
    h(
      'div',
      { className: 'dns-summary' },
      gauge(d.percentage),
      h(
        'div',
        {},
        h('div', { id: 'dns-percentage' }, `${d.percentage} % of answering resolvers have the new answer${d.complete ? ' — complete' : ''}`),
        h('div', {}, h('strong', {}, 'ETA: '), d.eta ? `${formatTime(d.eta)} (${formatSeconds(ttlLeft(d.eta, now))})` : '—', ` · ${d.etaNote}`),
        d.checkedAt ? h('div', { className: 'muted' }, `Last checked ${formatTime(d.checkedAt)}`) : undefined,
      ),
    ),
  );
  if (d.rows.length > 0) {
    const table = h('table', { id: 'dns-table' }, h('caption', {}, 'Answers per resolver'));
    table.append(h('thead', {}, h('tr', {}, ...['Resolver', 'Location', 'Answer', 'Matches', 'TTL left'].map((c) => h('th', { scope: 'col' }, c)))));
    const body = h('tbody', {});
    for (const r of d.rows) {
      const left = ttlLeft(r.expiresAt, now);
      body.append(
        h(
          'tr',
          { 'data-resolver': r.name, 'data-ok': String(r.ok) },
          h('th', { scope: 'row' }, r.name),
          h('td', {}, r.location),
          h('td', { className: 'mono' }, r.value),
          h('td', {}, h('span', { className: r.ok ? 'ok' : 'bad', role: 'img', 'aria-label': r.ok ? 'matches' : `not yet (${r.status})` }, r.ok ? '✓' : '✗')),
          h('td', { className: 'ttl', 'data-expires': r.expiresAt ?? '' }, left !== undefined ? `${left} s` : '—'),
        ),
      );
    }
    table.append(body);
    sec.append(table);
  }
  return sec;
}

/** Counts every TTL cell down without a message from the host. */
export function tickTtls(root: ParentNode, now: number): void {
  for (const cell of Array.from(root.querySelectorAll<HTMLElement>('td.ttl[data-expires]'))) {
    const left = ttlLeft(cell.dataset.expires || undefined, now);
    if (left !== undefined) cell.textContent = `${left} s`;
  }
}
