/**
 * CodeBLEU's data-flow graphs (codebleu/parser/DFG.py DFG_python, DFG_javascript), ported statement
 * by statement. An edge says a variable occurrence `comesFrom` / is `computedFrom` earlier
 * occurrences; `states` maps a name to the token indices its last definitions are at.
 *
 * Two places cannot be reproduced as written: the reference merges name lists with `list(set(…))`,
 * whose order follows Python's per-process randomized string hashing, so its value varies from run
 * to run when a merged list has two or more names; here the names keep their first-occurrence
 * order. And loops are walked twice at every nesting level (2^depth visits), so a visit budget
 * stops the walk — the graph then counts as empty, as the reference's own failures do.
 */
import { IndexToCode, PYTHON_RECURSION_DEPTH, RecursionLimitError, isCodeToken, pointKey, treeToVariableIndex } from './codeTokens';
import { CodeLanguage, SyntaxNode, childrenOf } from './syntaxNode';

export interface DataFlowEdge {
  code: string;
  idx: number;
  relation: 'comesFrom' | 'computedFrom';
  names: string[];
  from: number[];
}

type States = Map<string, number[]>;
type Result = [DataFlowEdge[], States];

/** Node visits one graph may take; past it the graph is empty (nested loops double the walk per level). */
export const DFG_VISIT_BUDGET = 2_000_000;

export class DfgBudgetError extends Error {
  override readonly name = 'DfgBudgetError';
}

interface Walk {
  indexToCode: IndexToCode;
  visits: number;
}

const byIdx = (edges: DataFlowEdge[]): DataFlowEdge[] => [...edges].sort((a, b) => a.idx - b.idx);

/** Python `list(set(xs))` with a fixed order: first occurrence (see the file comment). */
export function dedupe<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

const sortedUnique = (xs: readonly number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);

function token(walk: Walk, key: string): { idx: number; code: string } {
  const t = walk.indexToCode.get(key);
  if (!t) throw new Error(`no token at ${key}`); // Python: KeyError
  return t;
}

/** A token leaf: a use of a defined name comes from its definitions; an identifier seen first defines it. */
function leaf(walk: Walk, node: SyntaxNode, states: States): Result {
  const { idx, code } = token(walk, pointKey(node));
  if (node.type === code) return [[], states];
  const defined = states.get(code);
  if (defined) return [[{ code, idx, relation: 'comesFrom', names: [code], from: [...defined] }], states];
  if (node.type === 'identifier') states.set(code, [idx]);
  return [[{ code, idx, relation: 'comesFrom', names: [], from: [] }], states];
}

/** One edge per (name variable, value variable) pair, each name then defined at its own token. */
function pairEdges(walk: Walk, nameKeys: string[], valueKeys: string[], relation: DataFlowEdge['relation'], states: States, out: DataFlowEdge[]): void {
  for (const key1 of nameKeys) {
    const t1 = token(walk, key1);
    for (const key2 of valueKeys) {
      const t2 = token(walk, key2);
      out.push({ code: t1.code, idx: t1.idx, relation, names: [t2.code], from: [t2.idx] });
    }
    states.set(t1.code, [t1.idx]);
  }
}

/** `name = value` where the name comes from every variable of the value (default_parameter, variable_declarator). */
function definition(walk: Walk, node: SyntaxNode, states: States, recurse: Recurse, depth: number): Result {
  const name = node.childForFieldName('name');
  const value = node.childForFieldName('value');
  const dfg: DataFlowEdge[] = [];
  if (value === null) {
    for (const key of treeToVariableIndex(name!, walk.indexToCode)) {
      const { idx, code } = token(walk, key);
      dfg.push({ code, idx, relation: 'comesFrom', names: [], from: [] });
      states.set(code, [idx]);
    }
    return [byIdx(dfg), states];
  }
  const nameKeys = treeToVariableIndex(name!, walk.indexToCode);
  const valueKeys = treeToVariableIndex(value, walk.indexToCode);
  const [temp, after] = recurse(walk, value, states, depth + 1);
  states = after;
  dfg.push(...temp);
  pairEdges(walk, nameKeys, valueKeys, 'comesFrom', states, dfg);
  return [byIdx(dfg), states];
}

/** Every variable of `left` computed from all variables of `right`, as one edge (Python's assignment and for). */
function computedFromAll(walk: Walk, left: SyntaxNode, right: SyntaxNode, states: States): DataFlowEdge[] {
  const rightTokens = treeToVariableIndex(right, walk.indexToCode).map((key) => token(walk, key));
  const out: DataFlowEdge[] = [];
  for (const key of treeToVariableIndex(left, walk.indexToCode)) {
    const t = token(walk, key);
    out.push({ code: t.code, idx: t.idx, relation: 'computedFrom', names: rightTokens.map((r) => r.code), from: rightTokens.map((r) => r.idx) });
    states.set(t.code, [t.idx]);
  }
  return out;
}

/** The reference's merge of a loop's two passes: one edge per (code, idx, relation), in idx order. */
function mergeLoopEdges(dfg: DataFlowEdge[]): DataFlowEdge[] {
  const merged = new Map<string, DataFlowEdge>();
  for (const x of dfg) {
    const key = JSON.stringify([x.code, x.idx, x.relation]);
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...x });
    else merged.set(key, { ...seen, names: dedupe([...seen.names, ...x.names]), from: sortedUnique([...seen.from, ...x.from]) });
  }
  return byIdx(byIdx([...merged.values()]));
}

/** The union of branch states, each name's definitions sorted and unique. */
function unionStates(all: States[], alsoFrom?: States): States {
  const out: States = new Map();
  for (const states of all) {
    for (const [key, value] of states) out.set(key, out.has(key) ? [...out.get(key)!, ...value] : [...value]);
  }
  if (alsoFrom) for (const [key, value] of alsoFrom) out.set(key, out.has(key) ? [...out.get(key)!, ...value] : value);
  for (const [key, value] of out) out.set(key, sortedUnique(value));
  return out;
}

/** Python's `[x for x in node.children if x.type != ","]`, or the node itself when that does not pair up. */
function pairSides(left: SyntaxNode, right: SyntaxNode): [SyntaxNode[], SyntaxNode[]] {
  let leftNodes = childrenOf(left).filter((x) => x.type !== ',');
  let rightNodes = childrenOf(right).filter((x) => x.type !== ',');
  if (rightNodes.length !== leftNodes.length) {
    leftNodes = [left];
    rightNodes = [right];
  }
  if (leftNodes.length === 0) leftNodes = [left];
  if (rightNodes.length === 0) rightNodes = [right];
  return [leftNodes, rightNodes];
}

type Recurse = (walk: Walk, node: SyntaxNode, states: States, depth: number) => Result;

function enter(walk: Walk, depth: number): void {
  if (depth > PYTHON_RECURSION_DEPTH) throw new RecursionLimitError('tree too deep');
  if (++walk.visits > DFG_VISIT_BUDGET) throw new DfgBudgetError(`more than ${DFG_VISIT_BUDGET} visits`);
}

/** Children in order, `doFirst` types before the others (Python: for_in_clause before a comprehension's body). */
function generic(walk: Walk, children: SyntaxNode[], states: States, recurse: Recurse, depth: number, doFirst: ReadonlySet<string>): Result {
  const dfg: DataFlowEdge[] = [];
  for (const pass of [true, false]) {
    for (const child of children) {
      if (doFirst.has(child.type) !== pass) continue;
      const [temp, after] = recurse(walk, child, states, depth + 1);
      states = after;
      dfg.push(...temp);
    }
  }
  return [byIdx(dfg), states];
}

const PY_DO_FIRST = new Set(['for_in_clause']);

function dfgPython(walk: Walk, node: SyntaxNode, inStates: States, depth: number): Result {
  enter(walk, depth);
  let states: States = new Map(inStates);
  const children = childrenOf(node);
  if (isCodeToken(node, children)) return leaf(walk, node, states);
  const type = node.type;
  if (type === 'default_parameter') return definition(walk, node, states, dfgPython, depth);
  if (type === 'assignment' || type === 'augmented_assignment' || type === 'for_in_clause') {
    let leftNodes: SyntaxNode[];
    let rightNodes: SyntaxNode[];
    if (type === 'for_in_clause') {
      rightNodes = [children[children.length - 1]!];
      leftNodes = [node.childForFieldName('left')!];
    } else {
      const right = node.childForFieldName('right');
      if (right === null) return [[], states];
      [leftNodes, rightNodes] = pairSides(node.childForFieldName('left')!, right);
    }
    const dfg: DataFlowEdge[] = [];
    for (const child of rightNodes) {
      const [temp, after] = dfgPython(walk, child, states, depth + 1);
      states = after;
      dfg.push(...temp);
    }
    for (let i = 0; i < Math.min(leftNodes.length, rightNodes.length); i++) dfg.push(...computedFromAll(walk, leftNodes[i]!, rightNodes[i]!, states));
    return [byIdx(dfg), states];
  }
  if (type === 'if_statement') {
    const dfg: DataFlowEdge[] = [];
    let current = new Map(states);
    const others: States[] = [];
    let tag = false;
    for (const child of children) {
      if (child.type.includes('else')) tag = true;
      if (child.type !== 'elif_clause' && child.type !== 'else_clause') {
        const [temp, after] = dfgPython(walk, child, current, depth + 1);
        current = after;
        dfg.push(...temp);
      } else {
        const [temp, branch] = dfgPython(walk, child, states, depth + 1);
        dfg.push(...temp);
        others.push(branch);
      }
    }
    others.push(current);
    if (!tag) others.push(states);
    return [byIdx(dfg), unionStates(others)];
  }
  if (type === 'for_statement') {
    const dfg: DataFlowEdge[] = [];
    for (let pass = 0; pass < 2; pass++) {
      const [leftNodes, rightNodes] = pairSides(node.childForFieldName('left')!, node.childForFieldName('right')!);
      for (const child of rightNodes) {
        const [temp, after] = dfgPython(walk, child, states, depth + 1);
        states = after;
        dfg.push(...temp);
      }
      for (let i = 0; i < Math.min(leftNodes.length, rightNodes.length); i++) dfg.push(...computedFromAll(walk, leftNodes[i]!, rightNodes[i]!, states));
      const last = children[children.length - 1]!;
      if (last.type === 'block') {
        const [temp, after] = dfgPython(walk, last, states, depth + 1);
        states = after;
        dfg.push(...temp);
      }
    }
    return [mergeLoopEdges(dfg), states];
  }
  if (type === 'while_statement') return whileLoop(walk, children, states, dfgPython, depth);
  return generic(walk, children, states, dfgPython, depth, PY_DO_FIRST);
}

function whileLoop(walk: Walk, children: SyntaxNode[], states: States, recurse: Recurse, depth: number): Result {
  const dfg: DataFlowEdge[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (const child of children) {
      const [temp, after] = recurse(walk, child, states, depth + 1);
      states = after;
      dfg.push(...temp);
    }
  }
  return [mergeLoopEdges(dfg), states];
}

const NOTHING_FIRST = new Set<string>();
const JS_IF = new Set(['if_statement', 'else']);

function dfgJavascript(walk: Walk, node: SyntaxNode, inStates: States, depth: number): Result {
  enter(walk, depth);
  let states: States = new Map(inStates);
  const children = childrenOf(node);
  if (isCodeToken(node, children)) return leaf(walk, node, states);
  const type = node.type;
  if (type === 'variable_declarator') return definition(walk, node, states, dfgJavascript, depth);
  if (type === 'assignment_pattern' || type === 'augmented_assignment_expression') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const dfg: DataFlowEdge[] = [];
    const [temp, after] = dfgJavascript(walk, right!, states, depth + 1);
    states = after;
    dfg.push(...temp);
    pairEdges(walk, treeToVariableIndex(left!, walk.indexToCode), treeToVariableIndex(right!, walk.indexToCode), 'computedFrom', states, dfg);
    return [byIdx(dfg), states];
  }
  if (type === 'update_expression') {
    const dfg: DataFlowEdge[] = [];
    const keys = treeToVariableIndex(node, walk.indexToCode);
    pairEdges(walk, keys, keys, 'computedFrom', states, dfg);
    return [byIdx(dfg), states];
  }
  if (JS_IF.has(type)) {
    const dfg: DataFlowEdge[] = [];
    let current = new Map(states);
    const others: States[] = [];
    let flag = false;
    let tag = type.includes('else');
    for (const child of children) {
      if (child.type.includes('else')) tag = true;
      if (!JS_IF.has(child.type) && !flag) {
        const [temp, after] = dfgJavascript(walk, child, current, depth + 1);
        current = after;
        dfg.push(...temp);
      } else {
        flag = true;
        const [temp, branch] = dfgJavascript(walk, child, states, depth + 1);
        dfg.push(...temp);
        others.push(branch);
      }
    }
    others.push(current);
    if (!tag) others.push(states);
    return [byIdx(dfg), unionStates(others, states)];
  }
  if (type === 'for_statement') {
    const dfg: DataFlowEdge[] = [];
    for (const child of children) {
      const [temp, after] = dfgJavascript(walk, child, states, depth + 1);
      states = after;
      dfg.push(...temp);
    }
    let flag = false;
    for (const child of children) {
      if (flag) {
        const [temp, after] = dfgJavascript(walk, child, states, depth + 1);
        states = after;
        dfg.push(...temp);
      } else if (child.type === 'variable_declaration') {
        flag = true;
      }
    }
    return [mergeLoopEdges(dfg), states];
  }
  if (type === 'while_statement') return whileLoop(walk, children, states, dfgJavascript, depth);
  return generic(walk, children, states, dfgJavascript, depth, NOTHING_FIRST);
}

const DFG_OF: Record<CodeLanguage, Recurse> = { python: dfgPython, javascript: dfgJavascript };

/** The language's DFG function over a whole tree; throws where the reference's function raises. */
export function buildDataFlow(root: SyntaxNode, indexToCode: IndexToCode, language: CodeLanguage): DataFlowEdge[] {
  return DFG_OF[language]({ indexToCode, visits: 0 }, root, new Map(), 1)[0];
}
