/**
 * The Start Migration wizard in a real VS Code (code-server) against the emulator's demo: every
 * question is answered through the real quick picks and input boxes for "Legacy HR" (v3 → v4), then
 * the journal is written, the Migrations view lists it, its panel opens and the run starts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../emulator/server';
import type { Frame } from 'playwright-core';
import { openWorkbench, type Workbench } from './browser';
import { answerPrompt, pickExact, signInDemo, startCommand } from './quickInput';
import { startCodeServer, type CodeServer } from './codeServer';

describe('migration wizard in code-server against the emulator', function () {
  let emulator: RunningEmulator | undefined;
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;
  let folder: string | undefined;
  let panel: Frame | undefined;

  before(async function () {
    this.timeout(180_000);
    emulator = await startEmulator({ seed: 'demo', quiet: true, timeScale: 600, packageBytes: 500_000, archiveBytes: 500_000 });
    // Mendix Cloud v4 still deploys Legacy HR's Mendix 7 in this scenario (as in the engine's end-to-end test).
    const r = await fetch(`${emulator.baseUrl}/_emulator/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ minSupportedMajor: 6 }) });
    assert.ok(r.ok, `emulator config: ${r.status}`);
    folder = mkdtempSync(join(tmpdir(), 'wizard-e2e-'));
    mkdirSync(join(folder, 'downloads'));
    server = await startCodeServer({
      folder,
      keepLogsAs: 'e2e-panel-wizard',
      settings: {
        'mendixMigration.api.deployBaseUrl': emulator.baseUrl,
        'mendixMigration.api.cloudPortalBaseUrl': emulator.baseUrl,
        'mendixMigration.api.homeBaseUrl': emulator.baseUrl,
        'mendixMigration.downloadFolder': join(folder, 'downloads'),
        'mendixMigration.migration.pollIntervalMs': 200,
        'workbench.startupEditor': 'none',
      },
    });
    wb = await openWorkbench(server);
    await wb.clickActivityBarItem('Mendix Cloud');
  });

  after(async function () {
    this.timeout(60_000);
    await wb?.close();
    await server?.stop();
    await emulator?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('asks every question, then writes the journal, lists it and opens its panel', async function () {
    this.timeout(180_000);
    assert.ok(wb && folder);
    const w = wb;
    await signInDemo(w);
    await w.page.locator('.part.sidebar .monaco-list-row', { hasText: 'Legacy HR' }).first().waitFor({ timeout: 30_000 });

    await startCommand(w, 'Mendix: Start Migration from Here');
    await pickExact(w, 'Mendix app', 'Legacy HR');
    await pickExact(w, '(1/11)', 'Production');
    await pickExact(w, '(2/11)', 'Mendix Cloud v3 → v4');
    // The target node is picked from the nodes the account sees (the list loads fresh).
    await pickExact(w, '(3/11)', 'legacyhr-v4');
    await pickExact(w, '(4/11)', 'Production');
    await pickExact(w, '(5/11)', 'Legacy HR (temp A)');
    await pickExact(w, '(6/11)', 'Legacy HR (temp A)');
    // Temporary app A cannot be B too: the row is listed under "Not usable here" with the reason, and
    // picking it says why and keeps asking.
    const widget = w.page.locator('.quick-input-widget');
    const input = widget.locator('.quick-input-box input');
    await w.page.waitForFunction(() => (document.querySelector('.quick-input-widget .quick-input-box input')?.getAttribute('placeholder') ?? '').includes('cannot be chosen'), undefined, { timeout: 15_000 });
    assert.match((await input.getAttribute('placeholder')) ?? '', /Legacy HR \(temp A\) cannot be chosen: already temporary app A/);
    assert.match(await widget.locator('.quick-input-title').innerText(), /\(6\/11\)/);
    await input.fill('');
    assert.match(await widget.locator('.quick-input-list').innerText(), /Not usable here[\s\S]*has a licensed node/);
    await w.screenshot('wizard-temp-b-disabled-rows');
    // Back returns to temporary app A with the earlier answer focused.
    await widget.getByRole('button', { name: 'Back' }).click();
    await widget.locator('.quick-input-title', { hasText: '(5/11)' }).waitFor({ state: 'visible', timeout: 15_000 });
    await widget.locator('.monaco-list-row.focused', { hasText: 'Legacy HR (temp A)' }).waitFor({ state: 'visible', timeout: 15_000 });
    await input.press('Enter');
    await pickExact(w, '(6/11)', 'Legacy HR (temp B)');
    await answerPrompt(w, /Custom domains/, '');
    // Legacy HR has one older backup: keep none of it.
    await pickExact(w, '(9/11)', 'None');
    await answerPrompt(w, /Name of this migration/, 'legacy-hr');
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match((await dialog.textContent()) ?? '', /Legacy HR Production \(legacyhr\) → legacyhr-v4 Production/);
    await dialog.getByRole('button', { name: 'Start', exact: true }).click();

    const journalFile = join(folder, '.mendix-migrations', 'legacy-hr.json');
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !existsSync(journalFile)) await w.page.waitForTimeout(200);
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { input: { flavour: string; target: { nodeSubdomain: string; tempAppA: { name: string } }; customDomains: string[] } };
    assert.equal(journal.input.flavour, 'v3-to-v4');
    assert.equal(journal.input.target.nodeSubdomain, 'legacyhr-v4');
    assert.equal(journal.input.target.tempAppA.name, 'Legacy HR (temp A)');
    assert.deepEqual(journal.input.customDomains, []);

    const { frame } = await w.findInFrames('#checklist', 60_000);
    panel = frame;
    assert.match((await frame.textContent('#run-header h1')) ?? '', /legacy-hr/);
    // The run started after the answers: preflight leaves "pending".
    // A finished phase is folded when the panel opens, so the row may be in the page but hidden.
    await frame.waitForSelector('#step-preflight:not([data-status="pending"])', { state: 'attached', timeout: 60_000 });
    // The Migrations view follows the run while it goes (not only when it stops). By the time it is
    // looked at, the run may already be asking its configuration question (a live state too).
    await w.page
      .locator('.part.sidebar .monaco-list-row', { hasText: /legacy-hr.*(running|waiting for your answer).*\b[1-9]\d*\/30/ })
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async (e: unknown) => {
        // Say what the view showed instead (and keep a picture), so a failure can be read from CI's log.
        await w.screenshot('panel-wizard-migrations-row-missing');
        const rows = await w.page.locator('.part.sidebar .monaco-list-row').allTextContents();
        throw new Error(`the Migrations view did not show legacy-hr running (or asking) with a step done; the sidebar rows were: ${JSON.stringify(rows)} (${String(e)})`);
      });
    await w.screenshot('panel-wizard');
  });

  it('answers the engine’s question, then a portal checklist step is marked done from the panel and recorded', async function () {
    this.timeout(180_000);
    assert.ok(wb && panel);
    const w = wb;
    const f = panel;
    const dialog = w.page.locator('.monaco-dialog-box');
    const step = '#step-config_portal-checklist';
    const deadline = Date.now() + 120_000;
    let asked = '';
    while (Date.now() < deadline) {
      // The engine asks before it applies configuration differences to the target: a modal Yes/No.
      if (await dialog.isVisible().catch(() => false)) {
        asked = (await dialog.textContent()) ?? '';
        await dialog.getByRole('button', { name: 'Yes', exact: true }).click();
      }
      // config.apply and the checklist run side by side: wait for both the question and the checklist.
      if (asked !== '' && (await f.getAttribute(step, 'data-status').catch(() => null)) === 'waiting-for-person') break;
      await w.page.waitForTimeout(200);
    }
    assert.equal(await f.getAttribute(step, 'data-status'), 'waiting-for-person');
    assert.match(asked, /Apply \d+ configuration difference/);
    assert.match((await f.textContent(`${step} .person`)) ?? '', /portal/i);
    await f.click(`${step} [data-action="markDone"]`);
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match((await dialog.textContent()) ?? '', /Mark "Copy the portal-only settings/);
    await dialog.getByRole('button', { name: 'Mark Done', exact: true }).click();
    await f.waitForSelector(`${step}[data-status="done"]`, { timeout: 30_000 });
    assert.match((await f.textContent(`${step} .confirmation`)) ?? '', /^Confirmed by .+ \(person\)/);
    await f.$eval(step, (el) => el.scrollIntoView({ block: 'center' }));
    await w.screenshot('panel-mark-done');
  });
});
