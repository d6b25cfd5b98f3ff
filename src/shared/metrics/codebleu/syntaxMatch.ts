/**
 * CodeBLEU's syntax match (codebleu/syntax_match.py): every subtree of the reference's AST that has
 * children (and the root), as tree-sitter's S-expression — node types and field names, no leaf
 * text — counted when the same S-expression is a subtree of the candidate's AST. Statistics:
 * [matched reference subtrees, reference subtrees]. A repeated reference subtree counts each time
 * it occurs as long as the candidate has it once, as the reference's `in` list test does.
 */
import { CodeLanguage, CodeParsers, SyntaxNode, childrenOf, withTree } from './syntaxNode';

/** get_all_sub_trees: the root and every node with children, as S-expressions. */
export function subtreeSexps(root: SyntaxNode): string[] {
  const out: string[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    out.push(node.toString());
    for (const child of childrenOf(node)) if (childrenOf(child).length !== 0) stack.push(child);
  }
  return out;
}

export function syntaxMatchCounts(parsers: CodeParsers, candidate: string, reference: string, language: CodeLanguage): [number, number] {
  const cand = new Set(withTree(parsers, candidate, language, subtreeSexps));
  const ref = withTree(parsers, reference, language, subtreeSexps);
  return [ref.filter((s) => cand.has(s)).length, ref.length];
}
