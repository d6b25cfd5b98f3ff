/**
 * CodeBLEU's data-flow match (codebleu/dataflow_match.py): the reference's data-flow edges, with
 * variable names normalised to var_0, var_1, … in order of appearance, found among the candidate's
 * (each candidate edge used once). Statistics: [matched, reference edges]; the score is their ratio
 * over the corpus, 0 when no reference has an edge.
 */
import { indexTokens } from './codeTokens';
import { buildDataFlow, dedupe, DataFlowEdge } from './dataFlowGraph';
import { CodeLanguage, CodeParsers, withTree } from './syntaxNode';

/** get_data_flow: the graph's edges that connect (or are connected to), one per token index. */
export function dataFlowOf(parsers: CodeParsers, code: string, language: CodeLanguage): DataFlowEdge[] {
  let dfg: DataFlowEdge[];
  try {
    dfg = withTree(parsers, code, language, (root) => {
      const indexToCode = indexTokens(root, code);
      let edges: DataFlowEdge[];
      try {
        edges = buildDataFlow(root, indexToCode, language);
      } catch {
        edges = [];
      }
      edges = [...edges].sort((a, b) => a.idx - b.idx);
      const linked = new Set<number>();
      for (const d of edges) {
        if (d.from.length !== 0) linked.add(d.idx);
        for (const x of d.from) linked.add(x);
      }
      return edges.filter((d) => linked.has(d.idx));
    });
  } catch {
    dfg = [];
  }
  // Merge edges of one token index (the reference: list(set(a + b)), here in first-occurrence order).
  const byIdx = new Map<number, DataFlowEdge>();
  for (const d of dfg) {
    const seen = byIdx.get(d.idx);
    byIdx.set(d.idx, seen ? { ...d, names: dedupe([...seen.names, ...d.names]), from: dedupe([...seen.from, ...d.from]) } : d);
  }
  return [...byIdx.values()];
}

/** normalize_dataflow: names renamed var_i in order of first appearance (parents before the variable itself). */
export function normalizeDataFlow(dfg: readonly DataFlowEdge[]): string[] {
  const names = new Map<string, string>();
  const norm = (name: string): string => {
    let n = names.get(name);
    if (n === undefined) {
      n = `var_${names.size}`;
      names.set(name, n);
    }
    return n;
  };
  return dfg.map((item) => {
    const parents = item.names.map(norm);
    return JSON.stringify([norm(item.code), item.relation, parents]);
  });
}

/** [matched, total] for one candidate against one (already comment-stripped) reference. */
export function dataflowMatchCounts(parsers: CodeParsers, candidate: string, reference: string, language: CodeLanguage): [number, number] {
  const cand = normalizeDataFlow(dataFlowOf(parsers, candidate, language));
  const ref = normalizeDataFlow(dataFlowOf(parsers, reference, language));
  if (ref.length === 0) return [0, 0];
  const available = new Map<string, number>();
  for (const c of cand) available.set(c, (available.get(c) ?? 0) + 1);
  let matched = 0;
  for (const r of ref) {
    const left = available.get(r) ?? 0;
    if (left > 0) {
      matched += 1;
      available.set(r, left - 1);
    }
  }
  return [matched, ref.length];
}
