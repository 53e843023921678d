/**
 * Drives a code-server workbench with playwright-core and Debian's Chromium: open the workbench,
 * click activity-bar items, run commands through F1, find elements inside webview iframes, take
 * screenshots into test-results/.
 *
 * Chromium is started as a browser server whose PID we hold, so `close()` (and the exit hooks)
 * can end it by that id even if the protocol connection is gone.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserServer, type ElementHandle, type Frame, type Locator, type Page } from 'playwright-core';
import { projectRoot, type CodeServer } from './codeServer';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep Chromium from reaching out to the (closed) network and from needing a GPU. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export const resultsDir = join(projectRoot, 'test-results');

export interface Workbench {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly browser: Browser;
  /** PID of the Chromium browser process. */
  readonly browserPid: number;
  /** Clicks the activity-bar item whose aria-label starts with `label` (the view container title). */
  clickActivityBarItem(label: string): Promise<void>;
  /** The activity-bar item whose aria-label starts with `label`. */
  activityBarItem(label: string): Locator;
  /** Runs a command through F1: types `title` and picks the entry whose label is exactly it. */
  runCommand(title: string): Promise<void>;
  /** Saves a PNG screenshot as test-results/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Waits for `selector` in any frame (webviews live in nested iframes); returns the frame and element. */
  findInFrames(selector: string, timeoutMs?: number): Promise<{ frame: Frame; element: ElementHandle }>;
  /** Closes the page and ends Chromium (idempotent). */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Folder to open (default: the server's folder). */
  folder?: string | null;
  /** Workbench payload entries such as extensionDevelopmentPath / extensionTestsPath. */
  payload?: [string, string][];
  viewport?: { width: number; height: number };
  /** Milliseconds to wait for `.monaco-workbench` (default 60 s). */
  timeoutMs?: number;
}

const livePids = new Set<number>();
let hooksInstalled = false;

function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const pid of livePids) killPid(pid);
  });
}

/** Starts Chromium as a browser server and connects to it. */
export async function launchChromium(): Promise<{ browser: Browser; server: BrowserServer; pid: number }> {
  installExitHook();
  const server = await chromium.launchServer({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  const pid = server.process().pid;
  if (pid === undefined) {
    await server.close();
    throw new Error('Chromium did not start');
  }
  livePids.add(pid);
  try {
    const browser = await chromium.connect(server.wsEndpoint());
    return { browser, server, pid };
  } catch (e) {
    await server.kill();
    livePids.delete(pid);
    throw e;
  }
}

/** Opens the server's workbench in a fresh Chromium and waits until the workbench is drawn. */
export async function openWorkbench(codeServer: CodeServer, opts: OpenOptions = {}): Promise<Workbench> {
  const { browser, server, pid } = await launchChromium();
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await browser.close().catch(() => undefined);
    await server.close().catch(() => undefined);
    killPid(pid);
    livePids.delete(pid);
  };
  try {
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    const url = codeServer.workbenchUrl({ folder: opts.folder, payload: opts.payload });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: opts.timeoutMs ?? 60_000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 60_000 });
    return makeWorkbench(page, context, browser, pid, close);
  } catch (e) {
    await close();
    throw e;
  }
}

function makeWorkbench(page: Page, context: BrowserContext, browser: Browser, browserPid: number, close: () => Promise<void>): Workbench {
  const activityBarItem = (label: string): Locator =>
    page.locator(`.part.activitybar .action-item[aria-label^="${cssString(label)}"], .part.activitybar a.action-label[aria-label^="${cssString(label)}"]`).first();
  return {
    page,
    context,
    browser,
    browserPid,
    activityBarItem,
    async clickActivityBarItem(label: string): Promise<void> {
      const item = activityBarItem(label);
      await item.waitFor({ state: 'visible', timeout: 30_000 });
      await item.click();
    },
    async runCommand(title: string): Promise<void> {
      // The workbench must have focus for F1 to reach it.
      await page.locator('.monaco-workbench').focus().catch(() => undefined);
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(`>${title}`);
      const row = page
        .locator('.quick-input-widget .quick-input-list .monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) })
        .first();
      try {
        await row.waitFor({ state: 'visible', timeout: 15_000 });
      } catch {
        const offered = await page.locator('.quick-input-widget .quick-input-list .label-name').allInnerTexts();
        await page.keyboard.press('Escape');
        throw new Error(`no command titled "${title}" in the palette; it offered: ${JSON.stringify(offered.slice(0, 15))}`);
      }
      await row.click();
      // The palette closes, or (for commands that ask something) is reused for the next question.
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        if (!(await input.isVisible()) || (await input.inputValue().catch(() => '')) !== `>${title}`) return;
        await page.waitForTimeout(100);
      }
      throw new Error(`the palette did not run "${title}"`);
    },
    async screenshot(name: string): Promise<string> {
      mkdirSync(resultsDir, { recursive: true });
      const path = join(resultsDir, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async findInFrames(selector: string, timeoutMs = 30_000): Promise<{ frame: Frame; element: ElementHandle }> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        for (const frame of page.frames()) {
          const element = await frame.$(selector).catch(() => null);
          if (element) return { frame, element };
        }
        await page.waitForTimeout(200);
      }
      throw new Error(`no frame holds ${selector} after ${timeoutMs} ms`);
    },
    close,
  };
}

function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
