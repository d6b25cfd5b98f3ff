/**
 * Bradley–Terry strengths from paired comparisons by Hunter's MM algorithm (D. R. Hunter, "MM
 * algorithms for generalized Bradley–Terry models", Annals of Statistics 32(1), 2004, eq. 3):
 *   γ_i ← W_i / Σ_{j≠i} N_ij / (γ_i + γ_j)
 * with W_i the wins of i and N_ij the comparisons of i with j. A tie counts half a win for each side
 * (the win rate's convention). The MLE exists only when the "beat" graph is strongly connected
 * (Hunter's Assumption 1: every split of the models has someone on each side beating someone on the
 * other); otherwise every strength is null and `note` says why.
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
  const wins = new Float64Array(k);
  const n = models.map(() => new Float64Array(k));
  const beat = models.map(() => new Float64Array(k));
  for (const c of comparisons) {
    if (c.a === c.b) continue;
    const i = index.get(c.a)!;
    const j = index.get(c.b)!;
    n[i]![j]! += 1;
    n[j]![i]! += 1;
    wins[i]! += c.aScore;
    wins[j]! += 1 - c.aScore;
    beat[i]![j]! += c.aScore;
    beat[j]![i]! += 1 - c.aScore;
  }
  const nulls = (note: string): BradleyTerryResult => ({ strengths: new Map(models.map((m) => [m, null])), iterations: 0, converged: false, note });
  if (k < 2) return nulls('fewer than two models were compared');
  if (!stronglyConnected(beat)) return nulls('no finite maximum-likelihood strengths: some model won (or lost) every comparison against the rest (Hunter 2004, Assumption 1)');

  let gamma = new Float64Array(k).fill(1);
  const ref = index.get(reference)!;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const next = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let denominator = 0;
      for (let j = 0; j < k; j++) if (j !== i && n[i]![j]! > 0) denominator += n[i]![j]! / (gamma[i]! + gamma[j]!);
      next[i] = wins[i]! / denominator;
    }
    const scale = next[ref]!;
    let change = 0;
    for (let i = 0; i < k; i++) {
      next[i]! /= scale;
      change = Math.max(change, Math.abs(next[i]! - gamma[i]!) / gamma[i]!);
    }
    gamma = next;
    if (change < tolerance) {
      converged = true;
      break;
    }
  }
  return { strengths: new Map(models.map((m, i) => [m, gamma[i]!])), iterations, converged };
}

/** Every model reaches every other along "i beat j at least partly" edges (Hunter's Assumption 1). */
function stronglyConnected(beat: Float64Array[]): boolean {
  const k = beat.length;
  const reach = (forward: boolean): boolean => {
    const seen = new Set<number>([0]);
    const stack = [0];
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
    return seen.size === k;
  };
  return reach(true) && reach(false);
}
