/**
 * The workbench around the panel (sign-in, the Apps tree's context menu) and the record of what the
 * screen said at each phase. A journey's phases walk the run; the truth checks (Verified vs
 * Confirmed, warnings, the Now header) are collected per phase and asserted together by the
 * journey's last test, so one missing label does not hide how far the walk itself gets.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO } from '../emulator/seeds/demo';
import { signInDemo } from '../e2e/quickInput';
import { journeyResults, type World } from './world';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function signIn(world: World): Promise<void> {
  await world.wb.clickActivityBarItem('Mendix Cloud');
  await signInDemo(world.wb);
  await appRow(world, 'Order Portal').waitFor({ timeout: 30_000 });
  assert.ok(DEMO.username);
}

export function appRow(world: World, label: string) {
  const page = world.wb.page;
  const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: /^\s*Apps\s*$/i }) });
  return pane
    .locator('.monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
    .first();
}

/** Waits until the Apps tree has stopped changing for a moment (rows still loading move under the pointer). */
export async function treeSettled(world: World, quietMs = 1500, timeoutMs = 30_000): Promise<void> {
  const page = world.wb.page;
  const pane = page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: /^\s*Apps\s*$/i }) });
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let since = Date.now();
  while (Date.now() < deadline) {
    const now = await pane.innerText().catch(() => '');
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
    await page.waitForTimeout(200);
  }
}

/** Right-click a row of the Apps tree and pick `action` from its menu. */
export async function contextMenu(world: World, label: string, action: string): Promise<void> {
  const page = world.wb.page;
  await treeSettled(world);
  await appRow(world, label).click({ button: 'right' });
  const item = page.locator('.context-view .monaco-menu a.action-menu-item', { hasText: new RegExp(`^\\s*${escapeRegExp(action)}\\s*$`) }).first();
  await item.waitFor({ state: 'visible', timeout: 15_000 });
  await item.hover();
  await item.click();
}

export interface TruthCheck {
  phase: string;
  what: string;
  ok: boolean;
  saw: string;
}

/** What the screen said at each phase, checked against what it must say. */
export class ScreenTruth {
  readonly checks: TruthCheck[] = [];

  constructor(private readonly journey: string) {}

  /** Records whether `saw` (text read off the screen) matches `expected`. */
  expect(phase: string, what: string, saw: string, expected: RegExp, mustNot?: RegExp): void {
    const ok = expected.test(saw) && !(mustNot?.test(saw) ?? false);
    this.checks.push({ phase, what, ok, saw: saw.slice(0, 400) });
    this.save();
  }

  /** Records a check whose reading can itself fail (e.g. an element that is not there). */
  async expectRead(phase: string, what: string, read: () => Promise<string>, expected: RegExp, mustNot?: RegExp): Promise<void> {
    let saw: string;
    try {
      saw = await read();
    } catch (e) {
      saw = `(not on screen: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
      this.checks.push({ phase, what, ok: false, saw });
      this.save();
      return;
    }
    this.expect(phase, what, saw, expected, mustNot);
  }

  get misses(): TruthCheck[] {
    return this.checks.filter((c) => !c.ok);
  }

  /** Fails listing every check the screen did not pass. */
  assertAll(): void {
    assert.ok(this.checks.length > 0, 'the journey read the screen at least once');
    const m = this.misses;
    assert.equal(m.length, 0, `the screen did not say the truth ${m.length} time(s):\n${m.map((c) => `- [${c.phase}] ${c.what}: saw "${c.saw}"`).join('\n')}`);
  }

  private save(): void {
    writeFileSync(join(journeyResults, `${this.journey}-truth.json`), `${JSON.stringify(this.checks, null, 2)}\n`);
  }
}

/** `it` when JOURNEY_ALL=1 (to try what the product does not do yet), `it.skip` otherwise. */
export function pendingUntil(note: string): Mocha.TestFunction | Mocha.PendingTestFunction {
  void note;
  return process.env.JOURNEY_ALL === '1' ? it : it.skip;
}
