/**
 * Cross-check helper (not shipped): parses code with the grammars QuantLens uses and prints each
 * tree as py-tree-sitter presents it (byte columns, field names, str(node)), so crosscheck.py can
 * run the reference's own Python code on identical trees. stdin: JSON [{code, language}]; stdout: JSON.
 */
import { readFileSync } from 'node:fs';
import { loadCodeParsers } from '../../src/node/codebleu/index';
import { NATIVE_SEXP_MAX_DEPTH, sexpInJs, treeDepth } from '../../src/shared/metrics/codebleu/syntaxMatch';
import { SyntaxNode, childrenOf, withTree } from '../../src/shared/metrics/codebleu/syntaxNode';

interface Dumped {
  type: string;
  sp: [number, number];
  ep: [number, number];
  fields: (string | null)[];
  children: Dumped[];
  sexp: string;
}

async function main(): Promise<void> {
  const parsers = await loadCodeParsers();
  const jobs = JSON.parse(readFileSync(0, 'utf8')) as { code: string; language: 'python' | 'javascript' }[];
  const out = jobs.map(({ code, language }) => {
    const lines = code.split('\n');
    const col = (row: number, column: number): number => Buffer.byteLength((lines[row] ?? '').slice(0, column), 'utf8');
    return withTree(parsers, code, language, (root) => {
      const deep = treeDepth(root) > NATIVE_SEXP_MAX_DEPTH;
      const dump = (node: SyntaxNode): Dumped => {
        const children = childrenOf(node);
        return {
          type: node.type,
          sp: [node.startPosition.row, col(node.startPosition.row, node.startPosition.column)],
          ep: [node.endPosition.row, col(node.endPosition.row, node.endPosition.column)],
          fields: children.map((_, i) => node.fieldNameForChild(i)),
          children: children.map(dump),
          sexp: children.length ? (deep ? sexpInJs(node) : node.toString()) : '',
        };
      };
      return dump(root);
    });
  });
  process.stdout.write(JSON.stringify(out));
}

void main();
