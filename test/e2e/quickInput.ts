/**
 * Driving VS Code's quick input (the command palette, input boxes and quick picks) the way a person
 * does: shared by the e2e specs.
 */
import { DEMO } from '../emulator/seeds/demo';
import type { Workbench } from './browser';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** F1, the command's title, click: leaves the command's own prompts open (runCommand waits for them to close). */
export async function startCommand(w: Workbench, title: string): Promise<void> {
  await w.page.locator('.monaco-workbench').focus().catch(() => undefined);
  await w.page.keyboard.press('F1');
  const input = w.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${title}`);
  const entry = w.page.locator('.quick-input-widget .monaco-list-row', { has: w.page.locator('.label-name', { hasText: new RegExp(`^${title}$`) }) }).first();
  await entry.waitFor({ state: 'visible', timeout: 15_000 });
  await entry.click();
}

/** Answers the prompt whose title contains `title` by typing `text`; for a quick pick, waits until the text narrowed the list to it. */
export async function answerTitled(w: Workbench, title: string, text: string, isPick = false): Promise<void> {
  const widget = w.page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 15_000 });
  const input = widget.locator('.quick-input-box input');
  await input.fill(text);
  if (isPick) await widget.locator('.monaco-list-row.focused', { hasText: text }).waitFor({ timeout: 15_000 });
  await input.press('Enter');
}

/** Types into the input box whose prompt matches (robust to how the steps are numbered). */
export async function answerPrompt(w: Workbench, prompt: RegExp, text: string): Promise<void> {
  const widget = w.page.locator('.quick-input-widget');
  await widget.locator('.quick-input-message', { hasText: prompt }).waitFor({ state: 'visible', timeout: 30_000 });
  const input = widget.locator('.quick-input-box input');
  await input.fill(text);
  await input.press('Enter');
}

/** Picks the entry whose label is exactly `label` in the quick pick titled `title`. */
export async function pickExact(w: Workbench, title: string | RegExp, label: string): Promise<void> {
  const widget = w.page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 30_000 });
  await widget.locator('.quick-input-box input').fill(label);
  const row = widget.locator('.monaco-list-row', { has: w.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
}

/** "Mendix: Sign In" with the demo user's API key and PAT, through the real input boxes, as account "Demo". */
export async function signInDemo(w: Workbench): Promise<void> {
  await startCommand(w, 'Mendix: Sign In');
  await answerTitled(w, 'Mendix: Sign In', 'Both', true);
  await answerPrompt(w, /username/, DEMO.username);
  await answerPrompt(w, /API key of/, DEMO.apiKey);
  await answerPrompt(w, /Personal Access Token/, DEMO.pat);
  await answerPrompt(w, /name for this account/, 'Demo');
  await w.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 30_000 });
}
