import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { Browser, chromium, FrameLocator, Locator, Page } from 'playwright-core';
import { recordedChromium } from '../helpers/testTools';

/**
 * Driving a real VS Code workbench (code-server) with playwright-core and Debian's Chromium:
 * the selectors and waits of docs/e2e.md, "Driving the workbench", with bounded retries.
 */
export const env = {
  url: process.env.E2E_URL ?? '',
  workspace: process.env.E2E_WORKSPACE ?? '',
  artifacts: process.env.E2E_ARTIFACTS ?? 'test-output/e2e',
  userData: process.env.E2E_USER_DATA_DIR ?? '',
  /** The Chromium scripts/test-tools.sh checked and recorded (E2E_HOME names its record). */
  chromium: recordedChromium(),
};

/** Rows to pick in the Evaluate run setup quick picks (Workbench.runSetup). */
export interface RunSetup {
  tickVariants?: string[];
  measure: string | RegExp;
  corpus?: string | RegExp;
  prompts?: string | RegExp;
  tickTasks?: string[];
  /** Called while the task files pick is open, before any row is ticked. */
  inspectTasks?: (pick: Locator) => Promise<void>;
}

export const norm = (s: string): string => s.replace(/\u00a0/g, ' ');

export class Workbench {
  private constructor(readonly browser: Browser, readonly page: Page) {}

  static async open(): Promise<Workbench> {
    mkdirSync(env.artifacts, { recursive: true });
    const browser = await chromium.launch({
      executablePath: env.chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    page.setDefaultTimeout(30_000);
    const wb = new Workbench(browser, page);
    await wb.load();
    return wb;
  }

  async load(): Promise<void> {
    await this.page.goto(`${env.url}/?folder=${encodeURIComponent(env.workspace)}`);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
  }

  /**
   * Reloads the window the way a user does (Developer: Reload Window), so the workbench shuts down
   * properly and saves which editors are open; a bare page reload can race that save.
   */
  async reload(): Promise<void> {
    const navigated = this.page.waitForNavigation({ timeout: 60_000 });
    await this.runCommand('Developer: Reload Window');
    await navigated;
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  }

  async shot(name: string): Promise<string> {
    const path = join(env.artifacts, `${name}.png`);
    await this.page.screenshot({ path }).catch(() => undefined);
    return path;
  }

  async failIfDialog(): Promise<void> {
    const dialogs = await this.page.locator('.monaco-dialog-box').allInnerTexts();
    if (dialogs.length) throw new Error(`unexpected modal dialog: ${dialogs.join(' | ')}`);
  }

  /** F1, type the command title, run it; retries while contributions are still loading. */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input.input');
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
    for (let i = 0; i < 15; i++) {
      try {
        // Close hovers and widgets that can swallow F1, then open the palette.
        await this.page.keyboard.press('Escape');
        await this.page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: 5000 });
        await input.fill('>' + title, { timeout: 5000 });
        await row.waitFor({ state: 'visible', timeout: 3000 });
        await row.click();
        return;
      } catch {
        await this.page.keyboard.press('Escape');
        await this.failIfDialog();
      }
    }
    throw new Error(`command not found in the palette: ${title}`);
  }

  /** Right-click an Explorer row and click a contributed item until `effect` shows. */
  async explorerContextCommand(rowLabel: string, itemLabel: string, effect: Locator): Promise<void> {
    const row = this.page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${rowLabel}"]`);
    const item = this.page.getByRole('menuitem', { name: itemLabel, exact: true });
    for (let attempt = 1; attempt <= 3; attempt++) {
      for (let i = 0; ; i++) {
        await row.click({ button: 'right' });
        try {
          await item.waitFor({ timeout: 1000 });
          break;
        } catch {
          await this.page.keyboard.press('Escape');
        }
        if (i >= 60) throw new Error(`menu item "${itemLabel}" never appeared`);
      }
      await item.click();
      try {
        await effect.waitFor({ timeout: 15_000 });
        return;
      } catch {
        await this.shot(`context-menu-attempt${attempt}`);
        await this.failIfDialog();
      }
    }
    throw new Error(`"${itemLabel}" did not take effect`);
  }

  /** The open quick pick (its title contains `title`). */
  quickPick(title: string): Locator {
    return this.page.locator('.quick-input-widget').filter({ hasText: title });
  }

  /** In a multi-select pick: tick the rows containing `rowTexts` (besides the preselected ones), then accept. */
  async toggleAndAccept(title: string, rowTexts: string[]): Promise<Locator[]> {
    const widget = this.quickPick(title);
    await widget.waitFor({ state: 'visible', timeout: 30_000 });
    const rows: Locator[] = [];
    for (const text of rowTexts) {
      const row = widget.locator('.quick-input-list .monaco-list-row').filter({ hasText: text }).first();
      await row.click();
      rows.push(row);
    }
    await this.page.keyboard.press('Enter');
    return rows;
  }

  async acceptQuickPick(title: string, rowText?: string | RegExp): Promise<void> {
    const widget = this.quickPick(title);
    await widget.waitFor({ state: 'visible', timeout: 30_000 });
    if (rowText) {
      const row = widget.locator('.quick-input-list .monaco-list-row').filter({ hasText: rowText }).first();
      // The list renders only the rows in view: a row further down (a run among many) is not in the
      // DOM until the pick's filter brings it up, so type its text when it is not there at once.
      if (typeof rowText === 'string' && !(await row.isVisible().catch(() => false))) {
        await this.page.waitForTimeout(1_000);
        if (!(await row.isVisible().catch(() => false))) await widget.locator('.quick-input-box input').fill(rowText);
      }
      await row.click();
    } else {
      await this.page.keyboard.press('Enter');
    }
  }

  /**
   * The Evaluate run setup after the model is chosen: accept the preselected variants (ticking
   * `tickVariants` too), the measure, the corpus and prompts when that measure asks for them, and
   * tick `tickTasks` in the task files pick (none: accept the remembered ones).
   */
  async runSetup(setup: RunSetup): Promise<void> {
    await this.toggleAndAccept('variants (1/5)', setup.tickVariants ?? []);
    await this.acceptQuickPick('what to measure (2/5)', setup.measure);
    if (setup.corpus) await this.acceptQuickPick('corpus for perplexity and KLD (3/5)', setup.corpus);
    if (setup.prompts) await this.acceptQuickPick('prompts, one per line (4/5)', setup.prompts);
    const tasks = 'task files for task metrics (5/5)';
    if (setup.inspectTasks) {
      await this.quickPick(tasks).waitFor({ state: 'visible', timeout: 30_000 });
      await setup.inspectTasks(this.quickPick(tasks));
    }
    await this.toggleAndAccept(tasks, setup.tickTasks ?? []);
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notification-toast').filter({ hasText: text });
  }

  /** The active webview's inner frame (outer pre/index.html > inner fake.html). */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
  }

  tab(text: string | RegExp): Locator {
    return this.page.locator('.tab').filter({ hasText: text });
  }

  async close(): Promise<void> {
    await this.shot('final');
    await this.browser.close();
  }
}

/** The QuantLens output channel's log file(s) the server writes, concatenated. */
export function channelLog(): string {
  const root = join(env.userData, 'logs');
  if (!existsSync(root)) return '';
  const texts: string[] = [];
  for (const session of readdirSync(root)) {
    for (const host of readdirSync(join(root, session)).filter((n) => n.startsWith('exthost'))) {
      const file = join(root, session, host, 'quantlens.quantlens', 'QuantLens.log');
      if (existsSync(file)) texts.push(readFileSync(file, 'utf8'));
    }
  }
  return texts.join('\n');
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Sequential E2E steps: after the first failure the rest are skipped instead of each timing out,
 * and the failing step leaves a screenshot named after it.
 */
export function sequentialSteps(workbench: () => Workbench | undefined, shotPrefix: string): (name: string, fn: () => Promise<void>) => void {
  let failed = false;
  return (name, fn) => {
    it(name, async (t) => {
      if (failed) return t.skip('an earlier step failed');
      try {
        await fn();
      } catch (error) {
        failed = true;
        await workbench()?.shot(`${shotPrefix}${name.replace(/\W+/g, '_').slice(0, 40)}`);
        throw error;
      }
    });
  };
}
