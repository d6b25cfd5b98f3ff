/** A point on the trade-off plot: x is a cost (lower is better), y a fidelity metric. */
export interface TradeoffPoint {
  id: string;
  x: number;
  y: number;
}

/**
 * The Pareto frontier: points no other point dominates. A point dominates another when it is at
 * least as good on both axes and strictly better on one. `yHigherIsBetter` flips y (accuracy,
 * Same-top-p) versus y lower-is-better (perplexity, KLD). Points with a non-finite coordinate are
 * never on the frontier. Returned sorted by x, which is the order to draw the frontier line.
 */
export function paretoFrontier(points: readonly TradeoffPoint[], yHigherIsBetter: boolean, xHigherIsBetter = false): TradeoffPoint[] {
  const valid = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const better = (a: number, b: number, higher: boolean): boolean => (higher ? a > b : a < b);
  const atLeast = (a: number, b: number, higher: boolean): boolean => (higher ? a >= b : a <= b);
  const dominates = (a: TradeoffPoint, b: TradeoffPoint): boolean =>
    atLeast(a.x, b.x, xHigherIsBetter) && atLeast(a.y, b.y, yHigherIsBetter) && (better(a.x, b.x, xHigherIsBetter) || better(a.y, b.y, yHigherIsBetter));
  return valid.filter((p) => !valid.some((q) => q !== p && dominates(q, p))).sort((a, b) => a.x - b.x || a.y - b.y);
}
