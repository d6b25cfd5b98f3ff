/**
 * CodeBLEU's comment and docstring removal (codebleu/parser/utils.py remove_comments_and_docstrings),
 * applied before the syntax and data-flow matches (never before the n-gram matches). When it fails
 * the reference keeps the code as it was (`try: … except: pass`), and so does this.
 */
import { pyStrip } from '../pythonText';
import { PyTokenKind, generateTokens } from './pythonTokenize';
import { CodeLanguage } from './syntaxNode';

/** Drops lines that are empty after Python's str.strip(), as the reference does after removal. */
function dropBlankLines(text: string): string {
  return text.split('\n').filter((line) => pyStrip(line) !== '').join('\n');
}

/**
 * Python: re-emits every token but comments, and drops a string token that starts a statement
 * (after an INDENT or NEWLINE token) or starts at column 0 — docstrings, and any bare string
 * statement. Gaps between tokens on one line become spaces; backslash continuations are lost.
 */
function removePython(source: string): string {
  let out = '';
  let prev: PyTokenKind = 'INDENT';
  let lastLineno = -1;
  let lastCol = 0;
  for (const token of generateTokens(source)) {
    const [startLine, startCol] = token.start;
    if (startLine > lastLineno) lastCol = 0;
    if (startCol > lastCol) out += ' '.repeat(startCol - lastCol);
    if (token.kind === 'COMMENT') {
      // removed
    } else if (token.kind === 'STRING') {
      if (prev !== 'INDENT' && prev !== 'NEWLINE' && startCol > 0) out += token.text;
    } else {
      out += token.text;
    }
    prev = token.kind;
    lastCol = token.end[1];
    lastLineno = token.end[0];
  }
  return dropBlankLines(out);
}

// The reference's pattern with re.DOTALL | re.MULTILINE: `.` is [\s\S], and `$` is "before \n or at the end".
const C_STYLE = /\/\/[\s\S]*?(?=\n|$)|\/\*[\s\S]*?\*\/|'(?:\\[\s\S]|[^\\'])*'|"(?:\\[\s\S]|[^\\"])*"/g;

/** JavaScript (and every C-like language): `//` and block comments become one space; quoted strings are kept. */
function removeCStyle(source: string): string {
  return dropBlankLines(source.replace(C_STYLE, (match) => (match.startsWith('/') ? ' ' : match)));
}

/** The code with comments (and, for Python, docstrings) removed; the code unchanged where the reference's removal throws. */
export function removeCommentsAndDocstrings(source: string, language: CodeLanguage): string {
  try {
    return language === 'python' ? removePython(source) : removeCStyle(source);
  } catch {
    return source;
  }
}
