/**
 * Agreement between raters on nominal labels (here the outcome of a pair: win, loss or tie for the
 * variant). Cohen's κ for exactly two raters on the items both rated; Krippendorff's α (nominal
 * metric) for any number of raters with missing judgements, by the coincidence matrix of
 * K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C.
 */

/** Cohen's κ = (p_o − p_e) / (1 − p_e) over paired labels; null when p_e = 1 (both raters used one label only). */
export function cohenKappa(pairs: ReadonlyArray<readonly [string, string]>): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  let agree = 0;
  for (const [a, b] of pairs) {
    if (a === b) agree++;
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [label, count] of first) pe += (count / n) * ((second.get(label) ?? 0) / n);
  return pe === 1 ? null : (po - pe) / (1 - pe);
}

/**
 * Krippendorff's α, nominal: 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k, where o_ck counts, per
 * unit with m ≥ 2 values, each ordered pair of values from different raters with weight 1/(m − 1),
 * n_c = Σ_k o_ck and n = Σ_c n_c. `units` holds each unit's values (missing ones left out); units
 * with fewer than two values are not pairable and drop out. Null when there is no disagreement to
 * expect (a single label throughout) or nothing pairable.
 */
export function krippendorffAlphaNominal(units: ReadonlyArray<readonly string[]>): number | null {
  const o = new Map<string, Map<string, number>>();
  const add = (c: string, k: string, w: number): void => {
    const row = o.get(c) ?? new Map<string, number>();
    row.set(k, (row.get(k) ?? 0) + w);
    o.set(c, row);
  };
  for (const values of units) {
    const m = values.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) add(values[i]!, values[j]!, 1 / (m - 1));
  }
  const nc = new Map<string, number>();
  for (const [c, row] of o) nc.set(c, [...row.values()].reduce((s, x) => s + x, 0));
  const n = [...nc.values()].reduce((s, x) => s + x, 0);
  if (n <= 1) return null;
  let observed = 0;
  for (const [c, row] of o) for (const [k, w] of row) if (c !== k) observed += w;
  let expected = 0;
  for (const [c, a] of nc) for (const [k, b] of nc) if (c !== k) expected += a * b;
  return expected === 0 ? null : 1 - ((n - 1) * observed) / expected;
}
