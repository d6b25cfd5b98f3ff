/**
 * Bradley–Terry strengths from paired comparisons by Hunter's MM algorithm (D. R. Hunter, "MM
 * algorithms for generalized Bradley–Terry models", Annals of Statistics 32(1), 2004, eq. 3):
 *   γ_i ← W_i / Σ_{j≠i} N_ij / (γ_i + γ_j)
 * with W_i the wins of i and N_ij the comparisons of i with j. A tie counts half a win for each side
 * (the win rate's convention). The MLE exists only when the "beat" graph is strongly connected
 * (Hunter's Assumption 1: every split of the models has someone on each side beating someone on the
 * other). So the strengths are estimated on the models that reach the reference and are reached by
 * it (its strongly connected component); a model outside it (it won, or lost, every comparison
 * that links it to the rest) gets null and `note` says why.
 */

/** One comparison: `a` against `b`; `aScore` 1 = a won, 0 = b won, 0.5 = tie. */
export interface Comparison {
  a: string;
  b: string;
  aScore: 1 | 0 | 0.5;
}

export interface BradleyTerryResult {
  /** Per model, its strength with `reference` fixed at 1 (null when the MLE does not exist). */
  strengths: Map<string, number | null>;
  iterations: number;
  converged: boolean;
  note?: string;
}

export function bradleyTerry(comparisons: readonly Comparison[], reference: string, options: { maxIterations?: number; tolerance?: number } = {}): BradleyTerryResult {
  const maxIterations = options.maxIterations ?? 10_000;
  const tolerance = options.tolerance ?? 1e-12;
  const models = [...new Set([reference, ...comparisons.flatMap((c) => [c.a, c.b])])];
  const index = new Map(models.map((m, i) => [m, i]));
  const k = models.length;
  const n = models.map(() => new Float64Array(k));
  const beat = models.map(() => new Float64Array(k));
  for (const c of comparisons) {
    if (c.a === c.b) continue;
    const i = index.get(c.a)!;
    const j = index.get(c.b)!;
    n[i]![j]! += 1;
    n[j]![i]! += 1;
    beat[i]![j]! += c.aScore;
    beat[j]![i]! += 1 - c.aScore;
  }
  if (k < 2) return { strengths: new Map(models.map((m) => [m, null])), iterations: 0, converged: false, note: 'fewer than two models were compared' };
  const ref = index.get(reference)!;
  const inside = componentOf(beat, ref);
  const outside = models.filter((_, i) => !inside.has(i)).sort();
  const note = outside.length ? `no finite maximum-likelihood strength for ${outside.join(', ')}: won or lost every comparison linking it to the rest (Hunter 2004, Assumption 1)` : undefined;
  if (inside.size < 2) return { strengths: new Map(models.map((m, i) => [m, i === ref ? 1 : null])), iterations: 0, converged: false, ...(note ? { note } : {}) };

  let gamma = new Float64Array(k).fill(1);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const next = new Float64Array(k);
    for (const i of inside) {
      // Wins and comparisons within the component only: links to a model outside it carry no information on the scale.
      let w = 0;
      let denominator = 0;
      for (const j of inside) {
        if (j === i || n[i]![j]! === 0) continue;
        w += beat[i]![j]!;
        denominator += n[i]![j]! / (gamma[i]! + gamma[j]!);
      }
      next[i] = w / denominator;
    }
    const scale = next[ref]!;
    let change = 0;
    for (const i of inside) {
      next[i]! /= scale;
      change = Math.max(change, Math.abs(next[i]! - gamma[i]!) / gamma[i]!);
    }
    gamma = next;
    if (change < tolerance) {
      converged = true;
      break;
    }
  }
  return { strengths: new Map(models.map((m, i) => [m, inside.has(i) ? gamma[i]! : null])), iterations, converged, ...(note ? { note } : {}) };
}

/** The models that `start` reaches and that reach it along "i beat j at least partly" edges (its strongly connected component). */
function componentOf(beat: Float64Array[], start: number): Set<number> {
  const k = beat.length;
  const reach = (forward: boolean): Set<number> => {
    const seen = new Set<number>([start]);
    const stack = [start];
    while (stack.length) {
      const i = stack.pop()!;
      for (let j = 0; j < k; j++) {
        const edge = forward ? beat[i]![j]! : beat[j]![i]!;
        if (edge > 0 && !seen.has(j)) {
          seen.add(j);
          stack.push(j);
        }
      }
    }
    return seen;
  };
  const from = reach(true);
  const to = reach(false);
  return new Set([...from].filter((i) => to.has(i)));
}
