/**
 * The person at the keyboard: answers the wizard's questions by what they ask (not by their
 * numbering), and drives a run from the panel: "Run Until a Person Is Needed", the engine's
 * questions (typed confirmations, yes/no dialogs), and for every step that waits for a person the
 * portal work a journey scripts, followed by the button a person would press.
 */
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import type { PanelDriver, StepOnScreen } from './panelDriver';
import type { World } from './world';

/** A wizard question (title, prompt or placeholder matches `ask`) and the answer: typed text or the label of a row to pick. */
export interface WizardAnswer {
  ask: RegExp;
  answer: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Answers quick picks and input boxes until the wizard's final confirmation dialog opens; returns
 * that dialog's text (the dialog stays open for the caller to read and answer). `seen` collects
 * each question as shown.
 */
export async function answerWizard(world: World, answers: readonly WizardAnswer[], seen: string[] = [], timeoutMs = 120_000): Promise<string> {
  const page = world.wb.page;
  const widget = page.locator('.quick-input-widget');
  const dialog = page.locator('.monaco-dialog-box');
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (await dialog.isVisible().catch(() => false)) return ((await dialog.innerText()) || '').replace(/\s+/g, ' ');
    if (!(await widget.isVisible().catch(() => false))) {
      await page.waitForTimeout(150);
      continue;
    }
    const title = await widget.locator('.quick-input-title').innerText().catch(() => '');
    const message = await widget.locator('.quick-input-message').innerText().catch(() => '');
    const placeholder = (await widget.locator('.quick-input-box input').getAttribute('placeholder').catch(() => '')) ?? '';
    const question = `${title} | ${placeholder} | ${message}`.replace(/\s+/g, ' ');
    const rows = widget.locator('.quick-input-list .monaco-list-row');
    const isPick = (await widget.locator('.quick-input-list').isVisible().catch(() => false)) && (await rows.count().catch(() => 0)) > 0;
    if (question === last) {
      // The same question is still open: wait for its answer to be taken (or its list to load).
      await page.waitForTimeout(200);
      continue;
    }
    const a = answers.find((x) => x.ask.test(question));
    if (!a) {
      await world.shot('wizard-unexpected-question');
      assert.fail(`the wizard asked something the journey has no answer for: ${question}`);
    }
    if (isPick || /Loading/i.test(question)) {
      // A list: pick the row whose label is the answer (waiting for a fresh list to finish loading).
      const row = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(a.answer)}\\s*$`) }) }).first();
      await pickRow(row, a.answer, widget);
    } else {
      const input = widget.locator('.quick-input-box input');
      await input.fill(a.answer);
      await input.press('Enter');
    }
    seen.push(question);
    last = question;
    await page.waitForTimeout(300);
  }
  assert.fail(`the wizard did not reach its confirmation within ${timeoutMs} ms (questions: ${seen.join(' || ')})`);
}

async function pickRow(row: Locator, label: string, widget: Locator): Promise<void> {
  // Typing narrows the list the way a person does; Enter takes the focused row (a hover over
  // another row can put its tooltip over the one to click).
  await widget.locator('.quick-input-box input').fill(label);
  try {
    await row.waitFor({ state: 'visible', timeout: 30_000 });
  } catch {
    const offered = await widget.locator('.quick-input-list .label-name').allInnerTexts().catch(() => []);
    assert.fail(`no "${label}" to pick; the list offered ${JSON.stringify(offered)}`);
  }
  const focused = widget.locator('.quick-input-list .monaco-list-row.focused .label-name').first();
  if (((await focused.innerText().catch(() => '')) || '').trim() === label) await widget.locator('.quick-input-box input').press('Enter');
  else await row.click();
}

/** What the person does about a step waiting for them; returns the button to press afterwards, or "later" when it cannot be done yet (asked again a little later). */
export type PersonAction = (step: StepOnScreen) => Promise<'Mark Done' | 'Run Until a Person Is Needed' | 'nothing' | 'later'>;

export interface DriveOptions {
  /** Stop as soon as this holds for the steps on screen. */
  until: (steps: StepOnScreen[]) => boolean;
  /** The person's part of each step that waits for a person, by step id. */
  person?: Record<string, PersonAction>;
  /** Answers to the engine's modal questions: text → button. Marking a step done is always confirmed. */
  dialogs?: [RegExp, string][];
  /** Steps being retried: their old failure is ignored until they have left "failed" once. */
  retrying?: string[];
  /** Stop (instead of failing) when a step fails and this holds for it. */
  expectFailure?: (step: StepOnScreen) => boolean;
  timeoutMs?: number;
}

/** How long a step may keep waiting after the person's part before they press its button again. */
const RETRY_AFTER_MS = 15_000;

const DEFAULT_DIALOGS: [RegExp, string][] = [
  [/Mark ".*" (as )?done\?/, 'Mark Done'],
  [/Apply \d+ configuration difference/, 'Yes'],
  // The optional clean-up at the end: rehearsal leftovers go, the target's own tags stay.
  [/Delete the rehearsal snapshot|Delete the copy of the package/, 'Yes'],
  [/Remove the tag/, 'No'],
];

/**
 * Drives the run from the panel until `until` holds. Clicks "Run Until a Person Is Needed" whenever
 * nothing runs, types the app name when the data freeze asks for it, does the person's part of
 * waiting steps. Fails with what the screen says when a step fails unexpectedly or a step waits for
 * a person the journey has no script for.
 */
export async function drive(world: World, panel: PanelDriver, opts: DriveOptions): Promise<StepOnScreen[]> {
  const page = world.wb.page;
  const dialogs = [...(opts.dialogs ?? []), ...DEFAULT_DIALOGS];
  const handled = new Map<string, { at: number; next: Awaited<ReturnType<PersonAction>>; tries: number }>();
  const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
  // A run the caller just started has a moment to show itself before "nothing runs" is judged.
  let quietSince = Date.now();
  const stale = new Set(opts.retrying ?? []);
  let steps: StepOnScreen[] = [];
  while (Date.now() < deadline) {
    const d = await panel.dialogText();
    if (d !== undefined) {
      const answer = dialogs.find(([re]) => re.test(d));
      if (!answer) {
        await world.shot('unexpected-dialog');
        assert.fail(`a dialog the journey did not expect: ${d}`);
      }
      await panel.answerDialog(answer[1]);
      quietSince = Date.now();
      continue;
    }
    const prompt = await panel.inputPrompt();
    const typed = prompt ? /Type "([^"]+)" to confirm/.exec(prompt) : null;
    if (typed) {
      await panel.typeIntoInput(typed[1]);
      quietSince = Date.now();
      continue;
    }
    steps = await panel.steps();
    if (opts.until(steps)) return steps;
    for (const s of steps) if (s.status !== 'waiting-for-person') handled.delete(s.id);
    const waiting = steps.find((s) => s.status === 'waiting-for-person' && !handled.has(s.id));
    // A step still waiting a while after the person's part (a check not passing yet, e.g. DNS
    // still propagating): the person presses the same button again, without redoing the work.
    const again = steps.find((s) => {
      const h = handled.get(s.id);
      return s.status === 'waiting-for-person' && h !== undefined && h.next !== 'nothing' && Date.now() - h.at > RETRY_AFTER_MS;
    });
    if (waiting || again) {
      const step = (waiting ?? again) as StepOnScreen;
      let next: Awaited<ReturnType<PersonAction>>;
      const h = handled.get(step.id);
      if (h?.next === 'later') {
        next = await (opts.person?.[step.id] ?? (() => Promise.resolve('later' as const)))(step);
        handled.set(step.id, { at: Date.now(), next, tries: 1 });
      } else if (h) {
        assert.ok(h.tries < 4, `step ${step.id} still waits after pressing "${h.next}" ${h.tries} times: ${step.text}; toasts: ${(await panel.toasts()).join(' | ')}`);
        next = h.next;
        handled.set(step.id, { ...h, at: Date.now(), tries: h.tries + 1 });
      } else {
        const act = opts.person?.[step.id];
        if (!act) {
          await panel.show(step.id);
          await world.shot(`unscripted-${step.id}`);
          assert.fail(`step ${step.id} waits for a person and the journey has no script for it: ${step.text}`);
        }
        next = await act(step);
        handled.set(step.id, { at: Date.now(), next, tries: 1 });
      }
      if (next === 'Mark Done') {
        if (!(await panel.tryClick(step.id, 'Mark Done'))) {
          // A dialog came first: answer it, then press again (without redoing the person's work).
          const h2 = handled.get(step.id);
          if (h2) handled.set(step.id, { ...h2, at: 0, tries: h2.tries - 1 });
          continue;
        }
        // Marking done asks first: let its dialog open before looking at anything else.
        await page.locator('.monaco-dialog-box').waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
      } else if (next === 'Run Until a Person Is Needed') {
        // Pressed when it can be (not while a run is going; the idle check below presses it later).
        const run = await panel.runButton();
        if (run) await run.click();
      }
      quietSince = Date.now();
      continue;
    }
    for (const s of steps) if (s.status !== 'failed') stale.delete(s.id);
    const failed = steps.find((s) => s.status === 'failed' && !stale.has(s.id));
    if (failed) {
      if (opts.expectFailure?.(failed)) return steps;
      await panel.show(failed.id);
      await world.shot(`failed-${failed.id}`);
      assert.fail(`step ${failed.id} failed: ${failed.text}`);
    }
    const running = steps.some((s) => s.status === 'running');
    if (!running && Date.now() - quietSince > 2500) {
      const run = await panel.runButton();
      if (run) {
        // A person does not hold a click on a button that just turned disabled (a run started): they
        // look at the screen again, which may be asking them something (NOTES.md R7).
        await run.click({ timeout: 2000 }).catch(() => undefined);
        quietSince = Date.now();
      }
    }
    await page.waitForTimeout(300);
  }
  const waitingNow = steps.filter((s) => s.status === 'waiting-for-person').map((s) => `${s.id}: ${s.text}`);
  await world.shot('drive-timeout');
  assert.fail(`the run did not get there in time; waiting: ${waitingNow.join(' | ') || 'none'}; toasts: ${(await panel.toasts()).join(' | ')}`);
}

/** The step's row on screen. */
export function stepOf(steps: readonly StepOnScreen[], id: string): StepOnScreen {
  const s = steps.find((x) => x.id === id);
  assert.ok(s, `the panel shows step ${id}`);
  return s;
}

export const settled = (s: StepOnScreen | undefined) => s !== undefined && (s.status === 'done' || s.status === 'skipped');
export const allSettled = (ids: readonly string[]) => (steps: StepOnScreen[]) => ids.every((id) => settled(steps.find((s) => s.id === id)));
