import { strict as assert } from 'node:assert';
import { parsePageMessage, parseViewState } from '../../../../src/core/ui/panel/protocol';
import { contentSecurityPolicy, panelHtml } from '../../../../src/core/ui/panel/panelHtml';

describe('panel protocol', () => {
  it('accepts every well-formed page message', () => {
    assert.deepEqual(parsePageMessage({ type: 'ready' }), { ok: true, value: { type: 'ready' } });
    assert.equal(parsePageMessage({ type: 'stepAction', action: 'markDone', stepId: 'link.temp-a' }).ok, true);
    assert.equal(parsePageMessage({ type: 'runAction', action: 'watchDns' }).ok, true);
  });

  it('rejects wrong shapes and names the problem without echoing the payload', () => {
    const bad: unknown[] = [
      null,
      'ready',
      42,
      {},
      { type: 'nope' },
      { type: 'stepAction', action: 'deleteEverything', stepId: 'preflight' },
      { type: 'stepAction', action: 'run' },
      { type: 'stepAction', action: 'run', stepId: '../../etc/passwd' },
      { type: 'stepAction', action: 'run', stepId: 'preflight', extra: 'secret-token-123' },
      { type: 'runAction', action: 'runAll', stepId: 'x' },
      { type: 'ready', payload: 1 },
    ];
    for (const b of bad) {
      const r = parsePageMessage(b);
      assert.equal(r.ok, false, JSON.stringify(b));
      if (!r.ok) assert.ok(!r.error.includes('secret-token-123'));
    }
  });

  it('restores only a view state that names a journal', () => {
    assert.deepEqual(parseViewState({ journalFile: '/w/.mendix-migrations/a.json', collapsed: ['backup'] }), { journalFile: '/w/.mendix-migrations/a.json', collapsed: ['backup'] });
    assert.deepEqual(parseViewState({ journalFile: '/w/a.json' }), { journalFile: '/w/a.json', collapsed: [] });
    assert.equal(parseViewState(undefined), undefined);
    assert.equal(parseViewState({ journalFile: 3 }), undefined);
  });
});

describe('panel HTML', () => {
  it('has a strict CSP: nothing by default, the script only by nonce, no unsafe-inline', () => {
    const csp = contentSecurityPolicy('https://webview.example', 'abc123');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'/);
    assert.match(csp, /style-src https:\/\/webview\.example/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  });

  it('puts the nonce on its only script and has no inline style or handler', () => {
    const html = panelHtml({ cspSource: 'https://w', nonce: 'N0nce', scriptUri: 'https://w/m.js', styleUri: 'https://w/p.css', title: 'Migration: <x>' });
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0], /nonce="N0nce"/);
    assert.doesNotMatch(html, /style="|onclick=|<style/);
    assert.match(html, /Migration: &#60;x&#62;/);
  });
});
