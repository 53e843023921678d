import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abortMigration } from '../../../../src/core/ui/migrations/abortMigration';
import { exportReport } from '../../../../src/core/ui/migrations/exportReport';
import { listJournals } from '../../../../src/core/ui/migrations/journalList';
import { markStepDone } from '../../../../src/core/ui/migrations/markStepDone';
import { MigrationController } from '../../../../src/core/ui/migrations/migrationController';
import { MigrationRunNode } from '../../../../src/core/ui/migrations/migrationNodes';
import { COMMANDS } from '../../../../src/core/ui/kit/commandIds';
import { resumeMigration } from '../../../../src/core/ui/migrations/resumeMigration';
import { runNextStep } from '../../../../src/core/ui/migrations/runNextStep';
import { runStep } from '../../../../src/core/ui/migrations/runStep';
import { openPortal } from '../../../../src/core/ui/migrations/openPortal';
import { copyStepPath } from '../../../../src/core/ui/migrations/copyStepPath';
import { startMigrationWizard } from '../../../../src/core/ui/migrations/startMigrationWizard';
import { verifyStep } from '../../../../src/core/ui/migrations/verifyStep';
import { parseDomains, slug } from '../../../../src/core/ui/migrations/wizard';
import type { MigrationCommandDeps, MigrationDeps } from '../../../../src/core/ui/migrations/migrationDeps';
import { ScriptedPrompt } from '../../../support/scriptedPrompt';
import { createLogger } from '../../../../src/core/shared/logger';
import { app, CANCEL, deps, environment, ScriptedInput, world } from '../../../support/uiFakes';
import { FakeCloud } from '../../../support/fakeCloud';
import { runWithProgress } from '../../../../src/core/ui/migrations/migrationActions';
import { testController } from '../../../support/testController';
import { sampleInput } from '../../../support/sampleInput';

class TestMigrations implements MigrationDeps {
  readonly opened: string[] = [];
  readonly visible = new Set<string>();
  readonly accounts = new Map<string, string>();
  refreshed = 0;
  constructor(
    readonly controller: MigrationController,
    private readonly folder: string | undefined,
  ) {}
  workspaceFolder(): string | undefined {
    return this.folder;
  }
  journals() {
    return this.folder ? listJournals(this.folder) : Promise.resolve([]);
  }
  openPanel(file: string): Promise<void> {
    this.opened.push(file);
    return Promise.resolve();
  }
  panelVisible(file: string): boolean {
    return this.visible.has(file);
  }
  rememberAccount(file: string, accountId: string): Promise<void> {
    this.accounts.set(file, accountId);
    return Promise.resolve();
  }
  refreshView(): void {
    this.refreshed++;
  }
}

describe('migration commands', () => {
  let dir: string;
  let cloud: FakeCloud;
  let wb: TestMigrations;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcmd-'));
    mkdirSync(join(dir, 'dl'));
    cloud = FakeCloud.demo();
    const target = cloud.nodes.get('orderportal-us');
    if (target) target.linkedProjectId = null;
    const mc = testController(cloud);
    wb = new TestMigrations(mc, dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function commandDeps(answers: ConstructorParameters<typeof ScriptedInput>[0]): ReturnType<typeof deps> & MigrationCommandDeps {
    const d = deps(world(), new ScriptedInput(answers));
    return { ...d, migrations: wb };
  }

  it('Run Next Step runs only the next step, in a notification reading "(n/m) step"', async () => {
    const file = await wb.controller.create(dir, sampleInput(join(dir, 'dl')));
    const d = commandDeps([]);
    await runNextStep(d, { journalFile: file });
    const j = wb.controller.peek(file);
    assert.equal(j?.steps.preflight.status, 'done');
    assert.equal(j?.steps['link.temp-a'].status, 'pending', 'only one step ran');
    assert.deepEqual(d.progress.titles, ['Migration order-portal']);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual((d.ui as ScriptedInput).infos, ['Done: Preflight report.']);
    assert.ok(d.progress.reports.some((r) => /^\(1\/\d+\) Preflight report$/.test(r.message ?? '')));
  });

  it('the run\'s notification never names a step that waits for a person as the one running', async () => {
    const file = await wb.controller.create(dir, sampleInput(join(dir, 'dl')));
    const d = commandDeps([]);
    const out = await runWithProgress(d, wb, file);
    assert.equal(out.status, 'waiting-for-person');
    const messages = d.progress.reports.map((r) => r.message ?? '');
    assert.ok(!messages.some((m) => /^\(\d+\/\d+\) Link temporary app A/.test(m)), JSON.stringify(messages));
    assert.ok(messages.includes('Waiting for you: Link temporary app A to the target node (portal)'), JSON.stringify(messages));
  });

  it('Resume runs from where it stopped, opens the panel, and says who must act next', async () => {
    const file = await wb.controller.create(dir, sampleInput(join(dir, 'dl')));
    const d = commandDeps([]);
    await resumeMigration(d); // the only journal: no question asked
    assert.deepEqual(wb.opened, [file]);
    assert.equal(wb.controller.peek(file)?.steps['link.temp-a'].status, 'waiting-for-person');
    await new Promise((r) => setImmediate(r));
    assert.ok((d.ui as ScriptedInput).infos.some((m) => m.includes('needs you') && m.includes('Link temporary app A')));
  });

  it('tells a run’s outcome in a toast only when its panel is not on screen (the header says it there)', async () => {
    const file = await wb.controller.create(dir, sampleInput(join(dir, 'dl')));
    wb.visible.add(file);
    const d = commandDeps([]);
    await resumeMigration(d);
    assert.equal(wb.controller.peek(file)?.steps['link.temp-a'].status, 'waiting-for-person');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual((d.ui as ScriptedInput).infos, []);
  });

  it('a step command takes the step a panel button names, and from the palette offers only the steps it fits', async () => {
    const file = await wb.controller.create(dir, sampleInput(join(dir, 'dl')));
    // The panel's Run names its step: no question.
    await runStep(commandDeps([]), { journalFile: file, stepId: 'preflight' });
    assert.equal(wb.controller.peek(file)?.steps.preflight.status, 'done');
    await assert.rejects(openPortal(commandDeps([]), { journalFile: file }), /No step of "order-portal" names a portal page/);
    await wb.controller.run(file);
    // From the palette (or the Migrations row): the only step with a portal page is taken.
    const d = commandDeps([]);
    await openPortal(d, { journalFile: file });
    assert.equal(d.host.opened.length, 1);
    assert.equal(d.host.opened[0], wb.controller.peek(file)?.steps['link.temp-a'].person?.url);
    // Several steps name a file: the person picks one by its row.
    const c = commandDeps(['3. Download the deployment package of the source']);
    await copyStepPath(c, { journalFile: file });
    assert.equal(c.host.clipboard, wb.controller.peek(file)?.steps['package.download'].outputs.path);
  });

  it('Mark Manual Step Done confirms, verifies and reports a step that is not done yet as such', async () => {
    const input = sampleInput(join(dir, 'dl'));
    const file = await wb.controller.create(dir, input);
    await wb.controller.run(file);
    const waiting = Object.entries(wb.controller.peek(file)?.steps ?? {}).filter(([, s]) => s.status === 'waiting-for-person').map(([id]) => id);
    assert.deepEqual(waiting, ['link.temp-a']);
    const pick: string[] = [];
    await assert.rejects(markStepDone(commandDeps([...pick, 'Mark Done']), { journalFile: file }), /not done yet: temporary app A is linked to no node/);
    cloud.link(input.target.tempAppA.projectId, input.target.nodeSubdomain);
    await markStepDone(commandDeps([...pick, 'Mark Done']), { journalFile: file });
    assert.equal(wb.controller.peek(file)?.steps['link.temp-a'].status, 'done');
  });

  it('Verify Step records the verification of a finished step', async () => {
    const file = await wb.controller.create(dir, sampleInput(join(dir, 'dl')));
    await wb.controller.run(file, { onlyStep: 'preflight' });
    const d = commandDeps(['1. Preflight report']);
    await verifyStep(d, { journalFile: file });
    assert.ok(wb.controller.peek(file)?.steps.preflight.verification);
    await new Promise((r) => setImmediate(r));
    assert.ok((d.ui as ScriptedInput).infos.some((m) => m.startsWith('Verified: Preflight report')));
  });

  it('Abort asks for a confirmation and a reason; a dismissed confirmation changes nothing', async () => {
    const file = await wb.controller.create(dir, sampleInput(join(dir, 'dl')));
    await assert.rejects(abortMigration(commandDeps(['No']), { journalFile: file }), { name: 'UserCancelledError' });
    assert.equal(wb.controller.peek(file)?.status, 'active');
    await abortMigration(commandDeps(['Abort Migration', 'rehearsal found a blocker']), { journalFile: file });
    assert.equal(wb.controller.peek(file)?.status, 'aborted');
    assert.equal(wb.controller.peek(file)?.abort?.reason, 'rehearsal found a blocker');
  });

  it('Export Report saves the Markdown report beside the journal and opens that file', async () => {
    const file = await wb.controller.create(dir, sampleInput(join(dir, 'dl')));
    const d = commandDeps([]);
    await exportReport(d, { journalFile: file });
    assert.deepEqual(d.host.files, [file.replace(/\.json$/, '-report.md')]);
    assert.match(readFileSync(d.host.files[0], 'utf8'), /^#/m);
    assert.equal(d.host.documents.length, 0, 'no unsaved Untitled document');
  });

  it('asks which migration when there are several, and explains when there is none', async () => {
    await assert.rejects(resumeMigration(commandDeps([])), /No migration in this workspace/);
    await wb.controller.create(dir, sampleInput(join(dir, 'dl')));
    const second = await wb.controller.create(dir, sampleInput(join(dir, 'dl'), { name: 'second' }));
    const d = commandDeps(['second']);
    await runNextStep(d);
    assert.equal(wb.controller.peek(second)?.steps.preflight.status, 'done');
  });

  it('fails clearly without a folder', async () => {
    const noFolder = { ...deps(world(), new ScriptedInput([])), migrations: new TestMigrations(wb.controller, undefined) };
    await assert.rejects(resumeMigration(noFolder), /Open a folder first/);
  });
});

describe('Start Migration wizard', () => {
  it('asks every question first, then writes the journal, opens the panel and runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wiz-'));
    try {
      const w = world();
      await w.accounts.save('Demo', { username: 'demo@example.com', apiKey: 'k' });
      const svc = (await w.root.accountNodes())[0];
      const fake = w.services.get(svc.account.id);
      assert.ok(fake);
      fake.setApps([
        app('Order Portal'),
        app('Order Portal (temp A)', { generation: 'none', licenseType: 'free' }),
        app('Order Portal (temp B)', { generation: 'none', licenseType: 'free' }),
        app('Order Portal US', { appId: 'orderportal-us', licenseType: 'licensed' }),
        app('Other App'),
      ]);
      fake.setEnvironments('orderportal', [environment('Acceptance'), environment('Production')]);
      fake.setSnapshots('e-production', [{ snapshotId: 's-old', state: 'completed', createdAt: '2026-11-01T00:00:00Z' }]);
      fake.seedSettings('orderportal', 'Production', {
        constants: [
          { name: 'Email.SMTPHost', value: 'smtp.relay.example.com' },
          { name: 'HR.LdapServer', value: 'ldap://ldap.corp.example.com:389' },
        ],
        scheduledEvents: [],
        customSettings: [],
      });
      const ui = new ScriptedInput([
        'Order Portal',
        'Production',
        'Node or region move',
        'orderportal-us',
        'Production',
        'Order Portal (temp A)',
        'Order Portal (temp B)',
        'Orders.Example.com',
        'Our own private key',
        '2026-11-01T00:00:00Z',
        'order-portal',
        'Start',
      ]);
      const cloud = FakeCloud.demo();
      const mc = testController(cloud);
      const wb = new TestMigrations(mc, dir);
      const d = { ...deps(w, ui), migrations: wb, settings: { downloadFolder: () => join(dir, 'dl') } };
      mkdirSync(join(dir, 'dl'));
      await startMigrationWizard(d);
      assert.equal(ui.asked.length, 12, ui.asked.join('\n'));
      assert.ok(ui.asked[ui.asked.length - 1].startsWith('confirm: Start migration "order-portal"'));
      // Every settings warning of the preflight is in the confirmation, before the journal exists.
      const detail = ui.confirmDetails[ui.confirmDetails.length - 1];
      assert.match(detail, /Warning: lower the DNS TTL of orders\.example\.com to 300 s today \(by \d{4}-\d{2}-\d{2}\)/);
      assert.match(detail, /Warning: Mail server use: mail server settings found \(Email\.SMTPHost\)/);
      assert.match(detail, /Warning: VPN \/ private network use: private-network addresses found \(HR\.LdapServer\)/);
      assert.doesNotMatch(detail, /FTP server use/, 'a check that passed is not a warning');
      assert.doesNotMatch(detail, /ldap\.corp|smtp\.relay/, 'constant values are named, never shown');
      const [j] = await listJournals(dir);
      const journal = mc.peek(j.file);
      assert.ok(journal);
      assert.deepEqual(journal.input.customDomains, ['orders.example.com']);
      assert.equal(journal.input.certificate, 'own-key');
      assert.deepEqual(journal.input.keepBackups, ['s-old']);
      assert.equal(journal.input.target.tempAppA.name, 'Order Portal (temp A)');
      assert.equal(journal.input.source.appId, 'orderportal');
      assert.deepEqual(wb.opened, [j.file]);
      assert.equal(wb.accounts.get(j.file), svc.account.id);
      assert.notEqual(journal.steps.preflight.status, 'pending', 'the run started after the answers');
      assert.deepEqual(d.progress.titles, ['Migration order-portal']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a dismissed question leaves no journal behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wiz-'));
    try {
      const w = world();
      await w.accounts.save('Demo', { username: 'demo@example.com', apiKey: 'k' });
      const fake = w.services.get((await w.root.accountNodes())[0].account.id);
      assert.ok(fake);
      fake.setApps([app('Order Portal')]);
      fake.setEnvironments('orderportal', [environment('Production')]);
      const mc = new MigrationController({ services: () => Promise.reject(new Error('unused')), prompt: new ScriptedPrompt('t'), logger: createLogger(() => undefined) });
      const d = { ...deps(w, new ScriptedInput(['Order Portal', 'Production', 'Node or region move', CANCEL])), migrations: new TestMigrations(mc, dir) };
      await assert.rejects(startMigrationWizard(d), { name: 'UserCancelledError' });
      assert.deepEqual(await listJournals(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses custom domains and names', () => {
    assert.deepEqual(parseDomains(''), { domains: [] });
    assert.deepEqual(parseDomains('a.example.com, A.example.com b.example.org'), { domains: ['a.example.com', 'b.example.org'] });
    assert.ok('error' in parseDomains('https://a.example.com'));
    assert.equal(slug('Order Portal → orderportal-us'), 'order-portal-orderportal-us');
  });
});

describe('Migrations view rows', () => {
  it('shows the phase and progress, opens the panel on click, and carries the journal for menus', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mview-'));
    try {
      const mc = new MigrationController({ services: () => Promise.reject(new Error('unused')), prompt: new ScriptedPrompt('t'), logger: createLogger(() => undefined) });
      const file = await mc.create(dir, sampleInput(join(dir, 'dl')));
      const [s] = await listJournals(dir);
      const journal = mc.peek(file);
      assert.ok(journal);
      const node = new MigrationRunNode(s, { journal, lines: mc.planLines(file) });
      const item = node.getTreeItem();
      assert.equal(item.label, 'order-portal');
      assert.match(item.description ?? '', /^Preflight · 0\/\d+ · Ready$/);
      assert.equal(item.command?.command, COMMANDS.openPanel);
      assert.match(item.contextValue, /\bmigration\b.*\bactive\b/);
      assert.equal(node.journalFile, file);
      // While the run waits for an answer, the row says so (the same line as the panel's "Now:").
      const asking = new MigrationRunNode(s, { journal, lines: mc.planLines(file) }, 'waiting for your answer', 'Answer the question at the top of the window: Type "x" to confirm.').getTreeItem();
      assert.match(asking.description ?? '', /^waiting for your answer · Preflight · 0\/\d+ · Running$/);
      assert.match(asking.tooltip ?? '', /Now: Answer the question at the top of the window: Type "x" to confirm\./);
      const phases = node.getChildren().map((c) => c.getTreeItem().label);
      assert.equal(phases[0], 'Preflight');
      assert.ok(phases.includes('Cutover (data freeze)'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
