import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunData } from '../../src/shared/panelProtocol';
import { loadRunData } from '../../src/node/runData';
import { runCli } from '../helpers/engineRun';

export const FIXTURE_MODEL = resolve('fixtures/models/quantlens-tiny-llama');

export interface RealRun {
  /** Temporary folder holding .quantlens/runs/<id>/; remove with dispose(). */
  folder: string;
  runFolder: string;
  data: RunData;
  dispose(): void;
}

/**
 * One real evaluation of the fixture model by the built CLI (baseline fp32 and fp16, q8, q4), read
 * back the way the results panel reads it. A few seconds on a laptop CPU.
 */
export async function makeRealRun(): Promise<RealRun> {
  const folder = mkdtempSync(join(tmpdir(), 'quantlens-panel-'));
  const cli = await runCli(['eval', FIXTURE_MODEL, '--context', '128', '--stride', '64', '--max-new-tokens', '16', '--warmups', '1', '--repetitions', '2', '--out', folder], undefined, 120_000);
  if (cli.code !== 0) throw new Error(`quantlens eval exited with ${cli.code}:\n${cli.stderr}`);
  const runs = readdirSync(join(folder, '.quantlens', 'runs'));
  if (runs.length !== 1) throw new Error(`expected one run folder, found ${runs.join(', ')}`);
  const runFolder = join(folder, '.quantlens', 'runs', runs[0]!);
  return { folder, runFolder, data: loadRunData(runFolder), dispose: () => rmSync(folder, { recursive: true, force: true }) };
}
