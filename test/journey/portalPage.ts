/**
 * The emulator's portal page (`/_emulator/portal`) in a second tab of the journey's browser: the
 * person's hands for what has no API (link an app, upload a backup, bind or remove a custom domain,
 * Support's URL change and offboarding). Every action picks from the page's lists and clicks its
 * button, then waits for the page's answer line and its reload.
 */
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';

export class PortalPage {
  private constructor(
    readonly page: Page,
    readonly url: string,
  ) {}

  static async open(context: BrowserContext, emulatorBaseUrl: string): Promise<PortalPage> {
    const page = await context.newPage();
    const url = `${emulatorBaseUrl}/_emulator/portal`;
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    // Offboarding asks "are you sure?" in a browser dialog: the person says yes.
    page.on('dialog', (d) => void d.accept());
    return new PortalPage(page, url);
  }

  async reload(): Promise<void> {
    await this.page.goto(this.url, { waitUntil: 'domcontentloaded' });
  }

  /** The page's overview table as text (nodes, linked apps, environments with status and domains). */
  async overview(): Promise<string> {
    await this.reload();
    return (await this.page.locator('table').innerText()).replace(/\s+/g, ' ');
  }

  /** "Use this Node": links the app named `appName` to `nodeSubdomain`. */
  async link(appName: string, nodeSubdomain: string): Promise<string> {
    await this.reload();
    await this.page.selectOption('#linkProject', { label: appName });
    await this.page.selectOption('#linkNode', { label: nodeSubdomain });
    return this.act('#link');
  }

  /** Uploads `file` as a backup of the environment whose entry reads "<app> – <env> (<node>)". */
  async uploadBackup(entry: string, file: string): Promise<string> {
    await this.reload();
    await this.page.selectOption('#upEnv', { label: entry });
    await this.page.setInputFiles('#file', file);
    return this.act('#upload', 120_000);
  }

  async changeUrl(nodeSubdomain: string, newSubdomain: string): Promise<string> {
    await this.reload();
    await this.page.selectOption('#urlNode', { label: nodeSubdomain });
    await this.page.fill('#urlNew', newSubdomain);
    return this.act('#url');
  }

  /** Binds `domain` to the environment whose entry reads "<node> – <env>"; returns the page's answer. */
  async bindDomain(entry: string, domain: string, expectOk = true): Promise<string> {
    await this.reload();
    await this.page.selectOption('#domainEnv', { label: entry });
    await this.page.fill('#domainName', domain);
    return this.act('#domain', 30_000, expectOk);
  }

  /** Removes `domain` from the environment it is bound to. */
  async unbindDomain(domain: string): Promise<string> {
    await this.reload();
    await this.page.selectOption('#unbindName', { value: domain });
    return this.act('#unbind');
  }

  async offboard(nodeSubdomain: string): Promise<string> {
    await this.reload();
    await this.page.selectOption('#offNode', { label: nodeSubdomain });
    return this.act('#offboard');
  }

  /** Clicks a button and waits for the answer line; asserts a 2xx unless told otherwise. */
  private async act(button: string, timeoutMs = 30_000, expectOk = true): Promise<string> {
    const out = this.page.locator('#out');
    await this.page.click(button);
    await this.page.waitForFunction(() => /^\d{3} /.test(document.getElementById('out')?.textContent ?? ''), undefined, { timeout: timeoutMs });
    const answer = (await out.textContent()) ?? '';
    if (expectOk) assert.match(answer, /^2\d\d /, `the portal page answered ${answer}`);
    return answer;
  }
}
