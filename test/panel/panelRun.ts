import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { loadRunData } from '../../src/node/runData';
import type { RunData } from '../../src/shared/panelProtocol';
import type { RunRequest } from '../../src/shared/protocol';
import { runWorker } from '../helpers/engineRun';
import { launchChromium } from './browser';
import { writeHarness } from './harness';

/** A real run in a scratch folder, read back as the panel gets it, with the harness page and a browser. */
export interface PanelRun {
  folder: string;
  data: RunData;
  browser: Browser;
  harnessFile: string;
  dispose(): Promise<void>;
}

/** `request(folder)` may write inputs (goals files) into the scratch folder before the run. */
export async function startPanelRun(prefix: string, request: (folder: string) => RunRequest): Promise<PanelRun> {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  const run = await runWorker(request(folder), folder);
  assert.equal(run.outcome.done?.status, 'completed');
  const browser = await launchChromium();
  return {
    folder,
    data: loadRunData(run.outcome.runFolder!),
    browser,
    harnessFile: writeHarness(folder),
    dispose: async () => {
      await browser.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
