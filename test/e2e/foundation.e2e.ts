import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openWorkbench, type Workbench } from './browser';
import {
  errorLinesMentioning,
  extensionFolderName,
  readOutputChannelLog,
  startCodeServer,
  waitForExtensionHostLog,
  type CodeServer,
} from './codeServer';

describe('foundation: the extension in a real VS Code (code-server)', function () {
  const { id } = extensionFolderName();
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;

  before(async function () {
    server = await startCodeServer({ keepLogsAs: 'e2e-foundation' });
    wb = await openWorkbench(server);
  });

  after(async function () {
    await wb?.close();
    await server?.stop();
  });

  function ready(): { server: CodeServer; wb: Workbench } {
    assert.ok(server && wb, 'code-server and the workbench are up');
    return { server, wb };
  }

  it('shows the "Mendix Cloud" container in the activity bar', async function () {
    const { wb } = ready();
    const item = wb.activityBarItem('Mendix Cloud');
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await item.getAttribute('aria-label'), 'Mendix Cloud');
  });

  it('opens the Apps view with its sign-in welcome content when clicked', async function () {
    const { wb } = ready();
    await wb.clickActivityBarItem('Mendix Cloud');
    const sidebar = wb.page.locator('.part.sidebar');
    await sidebar.locator('.composite.title', { hasText: /Mendix Cloud/i }).waitFor({ timeout: 30_000 });
    const appsPane = sidebar.locator('.pane', { has: wb.page.locator('.pane-header', { hasText: /^\s*Apps\s*$/i }) });
    const welcome = appsPane.locator('.welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await welcome.innerText(), /Sign in with your Mendix API key or Personal Access Token/);
    const signIn = welcome.getByRole('button', { name: 'Sign In' });
    assert.equal(await signIn.isVisible(), true, 'the Sign In button is shown');
    const migrations = sidebar.locator('.pane', { has: wb.page.locator('.pane-header', { hasText: /^\s*Migrations\s*$/i }) });
    assert.match(await migrations.innerText(), /No migrations in this workspace yet/);
  });

  it('activates without errors in the extension-host log', async function () {
    const { server } = ready();
    const log = await waitForExtensionHostLog(server, new RegExp(`_doActivateExtension ${id.replace(/\./g, '\\.')}\\b`));
    assert.match(log, /Extension host with pid \d+ started/);
    const deadline = Date.now() + 15_000;
    let channel = '';
    while (Date.now() < deadline && !/\bactivated\b/.test(channel)) {
      channel = readOutputChannelLog(server, 'Mendix Cloud Migration');
      await new Promise((r) => setTimeout(r, 200));
    }
    // The extension says it activated in its own log channel (the exact wording is the extension's).
    assert.match(channel, /\[info\].*\bactivated\b/);
    assert.deepEqual(errorLinesMentioning(server, id), [], 'no error lines mention the extension');
    assert.deepEqual(errorLinesMentioning(server, 'Mendix Cloud Migration'), [], 'no error lines mention the extension by name');
    assert.doesNotMatch(channel, /\[error\]/);
  });

  it('writes a screenshot to test-results/e2e-foundation.png', async function () {
    const { wb } = ready();
    const path = await wb.screenshot('e2e-foundation');
    const png = readFileSync(path);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.ok(png.length > 10_000, `screenshot has content (${png.length} bytes)`);
  });
});
