import * as vscode from 'vscode';
import { statSync } from 'node:fs';
import type { SampleRecord } from '../../shared/report/schema';
import { readRun, readSamples } from '../../node/runFolder/reader';
import { runFile } from '../../node/runFolder/layout';

export const OUTPUT_SCHEME = 'quantlens-output';

/** Where one output lives: run folder, variant and sample, all in the URI so it survives reloads. */
export interface OutputLocation {
  runFolder: string;
  variantId: string;
  sampleKey: string;
}

export function outputUri(location: OutputLocation, promptSnippet: string): vscode.Uri {
  const query = new URLSearchParams({ run: location.runFolder, variant: location.variantId, sample: location.sampleKey }).toString();
  // The path only makes the tab and the Comments panel readable; the query is what identifies it.
  const name = promptSnippet.replace(/[\\/:*?"<>|\r\n]+/g, ' ').trim().slice(0, 40) || location.sampleKey;
  return vscode.Uri.from({ scheme: OUTPUT_SCHEME, path: `/${location.variantId}/${name}.txt`, query });
}

export function parseOutputUri(uri: vscode.Uri): OutputLocation | undefined {
  if (uri.scheme !== OUTPUT_SCHEME) return undefined;
  const q = new URLSearchParams(uri.query);
  const runFolder = q.get('run');
  const variantId = q.get('variant');
  const sampleKey = q.get('sample');
  return runFolder && variantId && sampleKey ? { runFolder, variantId, sampleKey } : undefined;
}

/**
 * Serves model outputs as read-only virtual documents, so `vscode.diff` can show a baseline and a
 * variant output side by side and comments can attach to them.
 */
export class OutputDocuments implements vscode.TextDocumentContentProvider {
  private readonly cache = new Map<string, { mtimeMs: number; samples: SampleRecord[] }>();

  samplesOf(runFolder: string): SampleRecord[] {
    const file = runFile(runFolder, 'samples');
    let mtimeMs = -1;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      // No samples yet.
    }
    const cached = this.cache.get(runFolder);
    if (cached && cached.mtimeMs === mtimeMs) return cached.samples;
    const samples = mtimeMs < 0 ? [] : readSamples(runFolder);
    this.cache.set(runFolder, { mtimeMs, samples });
    return samples;
  }

  find(location: OutputLocation): SampleRecord | undefined {
    return this.samplesOf(location.runFolder).find((s) => s.variantId === location.variantId && s.sampleKey === location.sampleKey);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const location = parseOutputUri(uri);
    if (!location) return 'Not a QuantLens output address.';
    const sample = this.find(location);
    return sample ? sample.output : `No output for sample ${location.sampleKey} of ${location.variantId} in ${location.runFolder} (the run may have been deleted).`;
  }

  /** Opens "prompt · baseline ↔ variant" in the native diff editor. */
  async openDiff(runFolder: string, sampleKey: string, variantId: string): Promise<void> {
    const baselineId = readRun(runFolder).card.spec.baselineId;
    const sample = this.find({ runFolder, variantId, sampleKey });
    if (!sample) throw new Error(`Sample ${sampleKey} of ${variantId} is not in ${runFolder}.`);
    const snippet = sample.prompt.length > 40 ? `${sample.prompt.slice(0, 39)}…` : sample.prompt;
    const left = outputUri({ runFolder, variantId: baselineId, sampleKey }, sample.prompt);
    const right = outputUri({ runFolder, variantId, sampleKey }, sample.prompt);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${snippet} · ${baselineId} ↔ ${variantId}`, { preview: false });
  }
}
