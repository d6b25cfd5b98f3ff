import { readSamples } from '../../node/runFolder/reader';
import type { SampleRecord } from '../../shared/report/schema';
import { withFlags } from '../../shared/annotations/flags';

/**
 * The baseline's generations of a run, which every variant's automatic flags compare against: kept
 * in memory from the baseline's generation unit, or read back from samples.jsonl when a resumed run
 * had completed that unit before.
 */
export class BaselineSamples {
  private byKey: Map<string, SampleRecord> | undefined;

  constructor(private readonly runFolder: string, readonly baselineId: string) {}

  get(): ReadonlyMap<string, SampleRecord> {
    this.byKey ??= indexByKey(readSamples(this.runFolder).filter((s) => s.variantId === this.baselineId));
    return this.byKey;
  }

  /**
   * The samples of one generation unit with their flags. The baseline's own unit is remembered
   * (and flagged without comparison); a variant's is flagged against the baseline's samples.
   */
  flag(samples: readonly SampleRecord[]): SampleRecord[] {
    if (samples.some((s) => s.variantId === this.baselineId)) {
      const flagged = withFlags(samples, this.baselineId, new Map());
      this.byKey = indexByKey(flagged);
      return flagged;
    }
    return withFlags(samples, this.baselineId, this.get());
  }
}

function indexByKey(samples: readonly SampleRecord[]): Map<string, SampleRecord> {
  return new Map(samples.map((s) => [s.sampleKey, s]));
}
