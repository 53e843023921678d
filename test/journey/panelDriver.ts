/**
 * Reading and clicking the migration panel the way a person does: what each step says on screen,
 * the buttons it offers, the workbench's dialogs and input boxes the run opens. Everything read here
 * is visible text or the state a row shows; nothing reaches into the journal.
 */
import assert from 'node:assert/strict';
import type { Frame, Locator, Page } from 'playwright-core';
import type { World } from './world';

export interface StepOnScreen {
  id: string;
  status: string;
  text: string;
}

const domId = (stepId: string) => `#step-${stepId.replace(/[^a-z0-9-]/gi, '_')}`;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class PanelDriver {
  private current: Frame | undefined;

  constructor(private readonly world: World) {}

  get page(): Page {
    return this.world.wb.page;
  }

  /** The panel's frame (found again after a reload replaced it). */
  async frame(timeoutMs = 60_000): Promise<Frame> {
    if (this.current && !this.current.isDetached()) {
      const alive = await this.current.$('#checklist').catch(() => null);
      if (alive) return this.current;
    }
    this.current = (await this.world.wb.findInFrames('#checklist', timeoutMs)).frame;
    return this.current;
  }

  /** Every step row as it reads now. */
  async steps(): Promise<StepOnScreen[]> {
    const f = await this.frame();
    return f.$$eval('li.step[data-step]', (els) =>
      els.map((e) => ({ id: e.getAttribute('data-step') ?? '', status: e.getAttribute('data-status') ?? '', text: (e as HTMLElement).innerText.replace(/\s+/g, ' ') })),
    );
  }

  async status(stepId: string): Promise<string> {
    const f = await this.frame();
    return (await f.getAttribute(domId(stepId), 'data-status').catch(() => null)) ?? '';
  }

  /** The step's row text as shown (its phase is opened first when collapsed). */
  async stepText(stepId: string): Promise<string> {
    const f = await this.frame();
    return ((await f.$eval(domId(stepId), (el) => (el as HTMLElement).textContent ?? '').catch(() => '')) || '').replace(/\s+/g, ' ');
  }

  /** The whole panel's visible text. */
  async text(): Promise<string> {
    const f = await this.frame();
    return ((await f.locator('body').innerText().catch(() => '')) || '').replace(/[ \t]+/g, ' ');
  }

  /** The run's headline ("Now: …"): the first line of the panel that starts with "Now". */
  async nowHeader(timeoutMs = 15_000): Promise<string> {
    const f = await this.frame();
    const el = f.getByText(/^\s*Now\b/).first();
    await el.waitFor({ state: 'visible', timeout: timeoutMs });
    return ((await el.innerText()) || '').replace(/\s+/g, ' ');
  }

  /** The run's state as its badge reads (`#run-status`), once it matches `wanted` or after `timeoutMs`. */
  async runStatus(wanted: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      const f = await this.frame();
      text = ((await f.textContent('#run-status').catch(() => '')) ?? '').trim();
      if (wanted.test(text)) break;
      await this.page.waitForTimeout(300);
    }
    return text;
  }

  /** Clicks a step's button by the label a person reads on it ("Run", "Mark Done", "Redo step", …). */
  async click(stepId: string, label: string): Promise<void> {
    const f = await this.frame();
    const row = f.locator(domId(stepId));
    await this.openPhaseOf(stepId);
    const button = row.locator('.actions button', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }).first();
    try {
      await button.waitFor({ state: 'visible', timeout: 15_000 });
    } catch {
      const offered = await row.locator('.actions button').allInnerTexts().catch(() => []);
      assert.fail(`step ${stepId} offers no "${label}" button; it offers ${JSON.stringify(offered)} (${await this.stepText(stepId)})`);
    }
    await button.scrollIntoViewIfNeeded();
    await button.click({ timeout: 10_000 });
  }

  /**
   * Clicks a step's button unless a modal dialog is in the way (the engine may ask something at any
   * moment); false when the dialog won, so the caller answers it and presses again.
   */
  async tryClick(stepId: string, label: string): Promise<boolean> {
    if ((await this.dialogText()) !== undefined) return false;
    try {
      await this.click(stepId, label);
      return true;
    } catch (e) {
      if ((await this.dialogText()) !== undefined) return false;
      throw e;
    }
  }

  /** Clicks a run-wide button of the header by its label ("Run Until a Person Is Needed", "Export Report", …). */
  async clickRun(label: string | RegExp): Promise<void> {
    const f = await this.frame();
    const button = f.locator('button', { hasText: label }).first();
    await button.waitFor({ state: 'visible', timeout: 15_000 });
    await button.click();
  }

  async runButton(): Promise<Locator | undefined> {
    const f = await this.frame();
    const b = f.locator('button', { hasText: /^\s*Run Until a Person Is Needed\s*$/ }).first();
    if (!(await b.isVisible().catch(() => false))) return undefined;
    return (await b.isEnabled().catch(() => false)) ? b : undefined;
  }

  async openPhaseOf(stepId: string): Promise<void> {
    const f = await this.frame();
    const hidden = await f.$eval(domId(stepId), (el) => !!el.closest('ol[hidden]')).catch(() => false);
    if (!hidden) return;
    const phase = await f.$eval(domId(stepId), (el) => el.closest('section.phase')?.getAttribute('data-phase') ?? '');
    await f.click(`button.phase-toggle[data-phase="${phase}"]`);
  }

  /** Scrolls a step into the middle of the panel (for a screenshot that shows it). */
  async show(stepId: string): Promise<void> {
    await this.openPhaseOf(stepId);
    const f = await this.frame();
    await f.$eval(domId(stepId), (el) => el.scrollIntoView({ block: 'center' })).catch(() => undefined);
  }

  async waitForStatus(stepId: string, wanted: string | RegExp | ((s: string) => boolean), timeoutMs = 120_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const seen: string[] = [];
    while (Date.now() < deadline) {
      const s = await this.status(stepId).catch(() => '');
      if (seen[seen.length - 1] !== s) seen.push(s);
      if (typeof wanted === 'string' ? s === wanted : typeof wanted === 'function' ? wanted(s) : wanted.test(s)) return s;
      await this.page.waitForTimeout(200);
    }
    assert.fail(`step ${stepId} did not reach ${String(wanted)} (seen ${seen.join(' → ')}): ${await this.stepText(stepId)}`);
  }

  // --- the workbench around the panel ---

  /** The modal dialog's text when one is open. */
  async dialogText(): Promise<string | undefined> {
    const d = this.page.locator('.monaco-dialog-box');
    if (!(await d.isVisible().catch(() => false))) return undefined;
    return ((await d.innerText().catch(() => '')) || '').replace(/\s+/g, ' ');
  }

  async answerDialog(button: string): Promise<void> {
    const d = this.page.locator('.monaco-dialog-box');
    await d.getByRole('button', { name: button, exact: true }).click();
    await d.waitFor({ state: 'hidden', timeout: 15_000 });
  }

  /** The prompt of the open input box (the typed confirmations), when one is open. */
  async inputPrompt(): Promise<string | undefined> {
    const w = this.page.locator('.quick-input-widget');
    if (!(await w.isVisible().catch(() => false))) return undefined;
    return ((await w.locator('.quick-input-message').innerText().catch(() => '')) || '').replace(/\s+/g, ' ');
  }

  async typeIntoInput(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(text);
    await input.press('Enter');
  }

  /** The texts of the notifications on screen (toasts). */
  async toasts(): Promise<string[]> {
    return (await this.page.locator('.notifications-toasts .notification-toast').allInnerTexts().catch(() => [])).map((t) => t.replace(/\s+/g, ' '));
  }

  /** The status-bar entries' texts. */
  async statusBar(): Promise<string> {
    return ((await this.page.locator('.part.statusbar').innerText().catch(() => '')) || '').replace(/\s+/g, ' ');
  }

  /** The Migrations view's rows. */
  async migrationsView(): Promise<string> {
    const pane = this.page.locator('.part.sidebar .pane', { has: this.page.locator('.pane-header', { hasText: /Migrations/i }) });
    return ((await pane.innerText().catch(() => '')) || '').replace(/\s+/g, ' ');
  }
}
