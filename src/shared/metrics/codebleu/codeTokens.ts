/**
 * The leaves CodeBLEU's data-flow graph is built over (codebleu/parser/utils.py tree_to_token_index,
 * tree_to_variable_index, index_to_code_token), keyed by their (start, end) points as the reference's dict is.
 */
import { SyntaxNode, childrenOf } from './syntaxNode';

/** Node types taken as one token even when they have children (the reference's list). */
const WHOLE_TOKEN_TYPES = new Set(['string_literal', 'string', 'character_literal']);

export function isCodeToken(node: SyntaxNode, children: readonly SyntaxNode[]): boolean {
  return (children.length === 0 || WHOLE_TOKEN_TYPES.has(node.type)) && node.type !== 'comment';
}

export function pointKey(node: SyntaxNode): string {
  const s = node.startPosition;
  const e = node.endPosition;
  return `${s.row}:${s.column}:${e.row}:${e.column}`;
}

/**
 * Python recursion depth the reference's recursive walks reach before CPython's default limit
 * (1000 frames, a few taken by its callers) raises RecursionError, which the reference catches as
 * "no data flow". The same depth here also keeps hostile nesting from overflowing the JS stack.
 */
export const PYTHON_RECURSION_DEPTH = 995;

export class RecursionLimitError extends Error {
  override readonly name = 'RecursionLimitError';
}

/** Every token leaf, in source order (tree_to_token_index). */
export function treeToTokenIndex(root: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const walk = (node: SyntaxNode, depth: number): void => {
    if (depth > PYTHON_RECURSION_DEPTH) throw new RecursionLimitError('tree too deep');
    const children = childrenOf(node);
    if (isCodeToken(node, children)) out.push(node);
    else for (const child of children) walk(child, depth + 1);
  };
  walk(root, 1);
  return out;
}

export interface CodeToken {
  /** Position in the token list. */
  idx: number;
  code: string;
}

export type IndexToCode = Map<string, CodeToken>;

/** The token leaves under `root` whose text differs from their type: identifiers, literals (tree_to_variable_index). */
export function treeToVariableIndex(root: SyntaxNode, indexToCode: IndexToCode): string[] {
  const out: string[] = [];
  const walk = (node: SyntaxNode, depth: number): void => {
    if (depth > PYTHON_RECURSION_DEPTH) throw new RecursionLimitError('tree too deep');
    const children = childrenOf(node);
    if (isCodeToken(node, children)) {
      const key = pointKey(node);
      const token = indexToCode.get(key);
      if (!token) throw new Error(`no token at ${key}`); // Python: KeyError
      if (node.type !== token.code) out.push(key);
    } else {
      for (const child of children) walk(child, depth + 1);
    }
  };
  walk(root, 1);
  return out;
}

const ASCII = /^[\x00-\x7f]*$/;

function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/**
 * A token's text as the reference slices it: py-tree-sitter's columns are UTF-8 byte offsets, and
 * the reference uses them to slice Python strings, which index by code point. On an ASCII line the
 * two agree; on a line with other characters this reproduces the reference's (shifted) slice.
 * Rows between a multi-line token's first and last are joined without their newlines, as there.
 */
export function tokenText(node: SyntaxNode, lines: readonly string[]): string {
  const s = node.startPosition;
  const e = node.endPosition;
  const slice = (row: number, from: number | undefined, to: number | undefined): string => {
    const line = lines[row];
    if (line === undefined) throw new Error(`row ${row} out of range`); // Python: IndexError
    if (ASCII.test(line)) return line.slice(from ?? 0, to);
    const bytes = (col: number | undefined): number | undefined => (col === undefined ? undefined : utf8Length(line.slice(0, col)));
    return Array.from(line).slice(bytes(from) ?? 0, bytes(to)).join('');
  };
  if (s.row === e.row) return slice(s.row, s.column, e.column);
  let text = slice(s.row, s.column, undefined);
  for (let row = s.row + 1; row < e.row; row++) text += slice(row, undefined, undefined);
  return text + slice(e.row, undefined, e.column);
}

/** (idx, text) of every token by its point key; a later token at the same points overwrites, as a dict does. */
export function indexTokens(root: SyntaxNode, code: string): IndexToCode {
  const lines = code.split('\n');
  const map: IndexToCode = new Map();
  treeToTokenIndex(root).forEach((node, idx) => map.set(pointKey(node), { idx, code: tokenText(node, lines) }));
  return map;
}
