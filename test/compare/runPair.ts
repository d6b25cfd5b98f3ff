import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyModel, runCli, TEST_THREADS } from '../helpers/engineRun';
import { TINY_LLAMA } from '../helpers/fixtures';

export const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A copy of the fixture model under `dir` and real CLI runs of it, all into `<dir>/out`. */
export class FixtureRuns {
  readonly model: string;
  readonly q8File: string;
  readonly q4File: string;

  constructor(private readonly dir: string, private readonly measures = 'fidelity,generation,performance') {
    this.model = copyModel(TINY_LLAMA, dir, 'model');
    this.q8File = join(this.model, 'onnx', 'model_quantized.onnx');
    this.q4File = join(this.model, 'onnx', 'model_q4.onnx');
  }

  /** One `quantlens eval` of the model copy; returns its new run folder. */
  async evaluate(extra: string[] = []): Promise<string> {
    const runs = join(this.dir, 'out', '.quantlens', 'runs');
    const before = new Set(listing(runs));
    const cli = await runCli(['eval', this.model, '--measure', this.measures, '--context', '64', '--stride', '32', '--max-new-tokens', '12', '--warmups', '1', '--repetitions', '3', '--threads', String(TEST_THREADS), '--provider', 'cpu', '--out', join(this.dir, 'out'), ...extra], undefined, 180_000);
    assert.equal(cli.code, 0, cli.stderr);
    const fresh = listing(runs).filter((id) => !before.has(id));
    assert.equal(fresh.length, 1);
    return join(runs, fresh[0]!);
  }

  /** "Re-quantize" q8: the q4 file copied over it. */
  requantizeQ8(): void {
    copyFileSync(this.q4File, this.q8File);
  }
}

function listing(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}
