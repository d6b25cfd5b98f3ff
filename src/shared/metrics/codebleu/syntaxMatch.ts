/**
 * CodeBLEU's syntax match (codebleu/syntax_match.py): every subtree of the reference's AST that has
 * children (and the root), as tree-sitter's S-expression — node types and field names, no leaf
 * text — counted when the same S-expression is a subtree of the candidate's AST. Statistics:
 * [matched reference subtrees, reference subtrees]. A repeated reference subtree counts each time
 * it occurs as long as the candidate has it once, as the reference's `in` list test does.
 */
import { CodeLanguage, CodeParsers, SyntaxNode, childrenOf, withTree } from './syntaxNode';

/**
 * Tree depth up to which tree-sitter's own ts_node_string is used. web-tree-sitter's wasm stack
 * overflows ("memory access out of bounds", and the module is unusable after) near depth 300;
 * deeper trees — hostile nesting, never ordinary code — are written by sexpInJs instead.
 */
export const NATIVE_SEXP_MAX_DEPTH = 120;

export function treeDepth(root: SyntaxNode): number {
  let max = 0;
  const stack: [SyntaxNode, number][] = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    for (const child of childrenOf(node)) stack.push([child, depth + 1]);
  }
  return max;
}

/** ts_node_string's format without recursion in wasm: named and missing nodes, field names, no text. */
export function sexpInJs(root: SyntaxNode): string {
  const out: string[] = [];
  const stack: (SyntaxNode | string)[] = [root];
  const fields = new Map<SyntaxNode, string | null>();
  while (stack.length) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const field = fields.get(item) ?? null;
    const visible = item === root || item.isNamed || item.isMissing;
    const children = childrenOf(item);
    if (visible) {
      if (item !== root) out.push(' ');
      if (field) out.push(`${field}: `);
      out.push(item.isMissing ? `(MISSING ${item.isNamed ? item.type : JSON.stringify(item.type)}` : `(${item.type}`);
      stack.push(')');
    }
    for (let i = children.length - 1; i >= 0; i--) {
      fields.set(children[i]!, item.fieldNameForChild(i));
      stack.push(children[i]!);
    }
  }
  return out.join('');
}

/** get_all_sub_trees: the root and every node with children, as S-expressions. */
export function subtreeSexps(root: SyntaxNode): string[] {
  const sexp = treeDepth(root) <= NATIVE_SEXP_MAX_DEPTH ? (n: SyntaxNode): string => n.toString() : sexpInJs;
  const out: string[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    out.push(sexp(node));
    for (const child of childrenOf(node)) if (childrenOf(child).length !== 0) stack.push(child);
  }
  return out;
}

export function syntaxMatchCounts(parsers: CodeParsers, candidate: string, reference: string, language: CodeLanguage): [number, number] {
  const cand = new Set(withTree(parsers, candidate, language, subtreeSexps));
  const ref = withTree(parsers, reference, language, subtreeSexps);
  return [ref.filter((s) => cand.has(s)).length, ref.length];
}
