/**
 * Whole-run progress and ETA from weighted steps: each unit declares how many steps it has and how
 * heavy one is (a lockstep window runs two models, a perplexity window one), and the ETA is the
 * elapsed time per completed weight times the weight left.
 */
export class ProgressClock {
  private completedWeight = 0;
  private readonly startedAt = Date.now();

  constructor(private readonly totalWeight: number) {}

  /** Marks `weight` more as done (a unit finished or skipped on resume). */
  advance(weight: number): void {
    this.completedWeight += weight;
  }

  /** Overall fraction and ETA if `partial` more weight of the current unit is done. */
  snapshot(partial = 0): { overall: number; etaSeconds: number | null } {
    const done = Math.min(this.completedWeight + partial, this.totalWeight);
    const overall = this.totalWeight > 0 ? done / this.totalWeight : 1;
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const etaSeconds = done > 0 && elapsed > 1 ? (elapsed / done) * (this.totalWeight - done) : null;
    return { overall, etaSeconds };
  }
}
