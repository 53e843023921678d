/**
 * The Mendix Cloud explorer in a real VS Code (code-server) against the emulator's demo seed:
 * sign in through the real input boxes (a wrong key first), see the demo apps with regions and
 * statuses, stop and start "Order Portal" Acceptance from the context menu and watch the icon change.
 */
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { startEmulator, type RunningEmulator } from '../emulator/server';
import { DEMO } from '../emulator/seeds/demo';
import { openWorkbench, type Workbench } from './browser';
import { answerTitled, startCommand } from './quickInput';
import { readOutputChannelLog, startCodeServer, type CodeServer } from './codeServer';

describe('explorer: Mendix Cloud apps in code-server against the emulator', function () {
  let emulator: RunningEmulator | undefined;
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;

  before(async function () {
    // A start takes a few virtual minutes; time runs 60x faster so the test watches it finish.
    emulator = await startEmulator({ seed: 'demo', quiet: true, timeScale: 60 });
    server = await startCodeServer({
      keepLogsAs: 'e2e-explorer',
      settings: {
        'mendixMigration.api.deployBaseUrl': emulator.baseUrl,
        'mendixMigration.api.cloudPortalBaseUrl': emulator.baseUrl,
        'mendixMigration.api.homeBaseUrl': emulator.baseUrl,
      },
    });
    wb = await openWorkbench(server);
    await wb.clickActivityBarItem('Mendix Cloud');
  });

  after(async function () {
    await wb?.close();
    await server?.stop();
    await emulator?.close();
  });

  function ready(): { wb: Workbench; server: CodeServer } {
    assert.ok(wb && server, 'code-server, the emulator and the workbench are up');
    return { wb, server };
  }

  const appsPane = (w: Workbench): Locator =>
    w.page.locator('.part.sidebar .pane', { has: w.page.locator('.pane-header', { hasText: /^\s*Apps\s*$/i }) });

  const row = (w: Workbench, label: string): Locator =>
    appsPane(w)
      .locator('.monaco-list-row')
      .filter({ has: w.page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[()]/g, '\\$&')}$`) }) })
      .first();

  async function signIn(w: Workbench, apiKey: string, pat?: string): Promise<void> {
    await startCommand(w, 'Mendix: Sign In');
    await answerTitled(w, '(1/4)', pat ? 'Both' : 'Username and API key', true);
    await answerTitled(w, '(2/4)', DEMO.username);
    await answerTitled(w, '(3/4)', apiKey);
    if (pat) {
      // The token box has the same step number; wait for the API key box to be replaced.
      await w.page.locator('.quick-input-widget .quick-input-message', { hasText: /Personal Access Token/ }).waitFor({ timeout: 15_000 });
      await answerTitled(w, '(3/4)', pat);
    }
    await answerTitled(w, '(4/4)', 'Demo');
  }

  async function envIcon(w: Workbench, label: string): Promise<string> {
    const icon = row(w, label).locator('.custom-view-tree-node-item-icon').first();
    return (await icon.getAttribute('class')) ?? '';
  }

  async function waitForIcon(w: Workbench, label: string, codicon: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = await envIcon(w, label).catch(() => '');
      if (last.includes(`codicon-${codicon}`)) return;
      await w.page.waitForTimeout(250);
    }
    const html = await row(w, label).innerHTML().catch(() => '');
    assert.fail(`the ${label} row did not show codicon-${codicon} within ${timeoutMs} ms (last: ${last}) ${html}`);
  }

  async function contextMenu(w: Workbench, label: string, action: string): Promise<void> {
    await row(w, label).click({ button: 'right' });
    // The menu acts on mouse-up over the entry's anchor, not on the list item around it.
    const item = w.page.locator('.context-view .monaco-menu a.action-menu-item', { hasText: new RegExp(`^\\s*${action}\\s*$`) }).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    await item.hover();
    await item.click();
    // A click that lands while the tree redraws (a refresh after the last action) leaves the menu open:
    // a person clicks again.
    const menu = w.page.locator('.context-view .monaco-menu');
    if (!(await menu.waitFor({ state: 'hidden', timeout: 3_000 }).then(() => true, () => false))) {
      await item.click();
      await menu.waitFor({ state: 'hidden', timeout: 10_000 });
    }
  }

  async function confirmDialog(w: Workbench, button: string): Promise<void> {
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 }).catch(async (e: unknown) => {
      await w.screenshot('e2e-explorer-debug');
      throw e;
    });
    await dialog.getByRole('button', { name: button, exact: true }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
  }

  it('rejects a wrong API key right after it is typed, offers Try Again, and stays signed out', async function () {
    const { wb, server } = ready();
    await appsPane(wb).locator('.welcome-view-content').waitFor({ state: 'visible', timeout: 30_000 });
    await startCommand(wb, 'Mendix: Sign In');
    await answerTitled(wb, '(1/4)', 'Username and API key', true);
    await answerTitled(wb, '(2/4)', DEMO.username);
    await answerTitled(wb, '(3/4)', 'wrong-api-key');
    // Checked before the name is asked: a dialog says what failed and offers to try again.
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await dialog.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Sign-in failed: The username and API key were not accepted \(HTTP 401\)/);
    assert.match(text, /Nothing was stored/);
    assert.doesNotMatch(text, /wrong-api-key/);
    await wb.screenshot('e2e-explorer-wrong-key');
    await dialog.getByRole('button', { name: 'Try Again', exact: true }).click();
    // Try Again asks for the key again; Escape ends the sign-in with nothing stored.
    await wb.page.locator('.quick-input-widget .quick-input-message', { hasText: /API key of/ }).waitFor({ state: 'visible', timeout: 15_000 });
    await wb.page.keyboard.press('Escape');
    await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
    // Still signed out: the sign-in welcome is what the Apps view shows.
    assert.equal(await appsPane(wb).locator('.welcome-view-content').isVisible(), true);
    assert.equal(await appsPane(wb).locator('.monaco-list-row').count(), 0);
    const log = readOutputChannelLog(server, 'Mendix Cloud Migration');
    assert.match(log, /Sign-in rejected \(the username and API key\)/);
    assert.doesNotMatch(log, /wrong-api-key/);
  });

  it('signs in with the demo API key and PAT and lists every demo app with its region', async function () {
    const { wb, server } = ready();
    await signIn(wb, DEMO.apiKey, DEMO.pat);
    await row(wb, 'Order Portal').waitFor({ state: 'visible', timeout: 30_000 });
    const expected: [string, RegExp][] = [
      ['Legacy HR', /^legacyhr · Frankfurt$/],
      ['Legacy HR (temp A)', /^legacyhr-v4 · Frankfurt-2$/],
      ['Legacy HR (temp B)', /^no node$/],
      ['Order Portal', /^orderportal · Frankfurt-2$/],
      ['Order Portal (temp A)', /^orderportal-us · Oregon$/],
      ['Order Portal (temp B)', /^no node$/],
    ];
    for (const [name, description] of expected) {
      const r = row(wb, name);
      await r.waitFor({ state: 'visible', timeout: 15_000 });
      // Regions come from Deploy API v4 and may be drawn a moment after the rows.
      const ok = await r
        .locator('.label-description', { hasText: description })
        .waitFor({ timeout: 15_000 })
        .then(() => true)
        .catch(() => false);
      assert.ok(ok, `${name} description is ${await r.locator('.label-description').innerText()}, expected ${String(description)}`);
    }
    assert.equal(await appsPane(wb).locator('.monaco-list-row').count(), expected.length);
    const statusBar = wb.page.locator('.part.statusbar', { hasText: 'Demo' });
    assert.equal(await statusBar.isVisible(), true, 'the status bar shows the signed-in account');
    assert.doesNotMatch(readOutputChannelLog(server, 'Mendix Cloud Migration'), new RegExp(`${DEMO.apiKey}|${DEMO.pat}`));
    await wb.screenshot('e2e-explorer-apps');
  });

  it('shows Order Portal’s environments running Mendix 10.24 with the running icon', async function () {
    const { wb } = ready();
    await row(wb, 'Order Portal').click();
    await row(wb, 'Production').waitFor({ state: 'visible', timeout: 30_000 });
    await row(wb, 'Acceptance').waitFor({ state: 'visible', timeout: 15_000 });
    for (const env of ['Production', 'Acceptance']) {
      assert.match(await row(wb, env).locator('.label-description').innerText(), /^Mendix 10\.24\.3\.\d+ · model 1\.\d\.0\.\d+$/);
      await waitForIcon(wb, env, 'vm-running', 5_000);
    }
  });

  it('shows Production’s deployed package, backups and settings when expanded', async function () {
    const { wb } = ready();
    await row(wb, 'Production').click();
    for (const child of ['Deployed package', 'Backups', 'Settings']) await row(wb, child).waitFor({ state: 'visible', timeout: 15_000 });
    await row(wb, 'Backups').click();
    // The demo seed has nightly backups: at least one dated row appears under Backups.
    await appsPane(wb).locator('.monaco-list-row', { has: wb.page.locator('.label-name', { hasText: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/ }) }).first().waitFor({ timeout: 15_000 });
    await row(wb, 'Settings').click();
    await row(wb, 'Email.SMTPHost').waitFor({ state: 'visible', timeout: 15_000 });
    await wb.screenshot('e2e-explorer-environment');
    // Collapse again so the Acceptance row stays in view for the next test.
    await row(wb, 'Production').click();
  });

  it('stops and starts Order Portal Acceptance from the context menu and the icon follows', async function () {
    const { wb } = ready();
    await contextMenu(wb, 'Acceptance', 'Stop Environment');
    await confirmDialog(wb, 'Stop');
    await waitForIcon(wb, 'Acceptance', 'vm-outline');
    await waitForIcon(wb, 'Production', 'vm-running', 1_000);
    await wb.screenshot('e2e-explorer-stopped');

    await contextMenu(wb, 'Acceptance', 'Start Environment');
    await confirmDialog(wb, 'Start');
    await waitForIcon(wb, 'Acceptance', 'vm-running', 90_000);
    await wb.screenshot('e2e-explorer-started');
  });

  it('Mendix: Check Access opens the read-only access report, all green for the demo account', async function () {
    const { wb, server } = ready();
    await startCommand(wb, 'Mendix: Check Access');
    const editor = wb.page.locator('.editor-instance .view-lines');
    await editor.filter({ hasText: 'Mendix access check' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    // Monaco draws spaces as no-break spaces.
    const text = (await editor.first().innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /All \d+ checks passed/);
    assert.doesNotMatch(text, new RegExp(`${DEMO.apiKey}|${DEMO.pat}`));
    assert.match(readOutputChannelLog(server, 'Mendix Cloud Migration'), /Check Access for "Demo": All \d+ checks passed/);
    await wb.screenshot('e2e-explorer-check-access');
  });
});
