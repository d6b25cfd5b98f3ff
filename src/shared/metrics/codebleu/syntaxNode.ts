/**
 * The slice of a tree-sitter syntax tree CodeBLEU reads, as web-tree-sitter's Node has it. The
 * algorithm lives here, without node APIs; src/node/codebleu loads the wasm parsers that produce these.
 */

export type CodeLanguage = 'python' | 'javascript';

export const CODE_LANGUAGES: readonly CodeLanguage[] = ['python', 'javascript'];

export interface Point {
  row: number;
  /** web-tree-sitter: UTF-16 code units from the start of the row. */
  column: number;
}

export interface SyntaxNode {
  readonly type: string;
  readonly children: readonly (SyntaxNode | null)[];
  readonly startPosition: Point;
  readonly endPosition: Point;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  childForFieldName(name: string): SyntaxNode | null;
  fieldNameForChild(index: number): string | null;
  /** tree-sitter's S-expression of the subtree (ts_node_string: named nodes and field names). */
  toString(): string;
}

export interface ParsedCode {
  readonly rootNode: SyntaxNode;
  /** Frees the tree's wasm memory. */
  delete(): void;
}

/** Parses code of one language; throws when the language's grammar is not loaded. */
export interface CodeParsers {
  parse(code: string, language: CodeLanguage): ParsedCode;
}

/** The children of a node, none null (web-tree-sitter types them nullable). */
export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter((c): c is SyntaxNode => c !== null);
}

/** Parses, hands the root to `use`, and frees the tree. */
export function withTree<T>(parsers: CodeParsers, code: string, language: CodeLanguage, use: (root: SyntaxNode) => T): T {
  const tree = parsers.parse(code, language);
  try {
    return use(tree.rootNode);
  } finally {
    tree.delete();
  }
}
