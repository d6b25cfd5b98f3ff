/**
 * A small tokenizer for showing code in the panel: keywords, strings, comments, numbers and the
 * rest, for Python and JavaScript. It never fails on broken code (model output often is): an
 * unterminated string runs to the end of its line (or of the text, for triple quotes / template
 * literals). The webview turns each token into a span whose text is set with textContent.
 */
import type { CodeLanguage } from './types';

export type TokenKind = 'keyword' | 'string' | 'comment' | 'number' | 'plain';

export interface CodeToken {
  kind: TokenKind;
  text: string;
}

const KEYWORDS: Record<CodeLanguage, ReadonlySet<string>> = {
  python: new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']),
  javascript: new Set(['await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'let', 'new', 'null', 'of', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'undefined', 'var', 'void', 'while', 'yield']),
};

function stringEnd(code: string, start: number, language: CodeLanguage): number {
  const quote = code[start]!;
  const triple = language === 'python' && code.startsWith(quote.repeat(3), start);
  if (triple) {
    const end = code.indexOf(quote.repeat(3), start + 3);
    return end < 0 ? code.length : end + 3;
  }
  const multiline = quote === '`';
  for (let i = start + 1; i < code.length; i++) {
    const c = code[i]!;
    if (c === '\\') i++;
    else if (c === quote) return i + 1;
    else if (c === '\n' && !multiline) return i;
  }
  return code.length;
}

export function tokenizeCode(code: string, language: CodeLanguage): CodeToken[] {
  const out: CodeToken[] = [];
  const push = (kind: TokenKind, text: string): void => {
    const last = out[out.length - 1];
    if (last && last.kind === kind && kind === 'plain') last.text += text;
    else out.push({ kind, text });
  };
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    const rest = code.slice(i, i + 2);
    if ((language === 'python' && c === '#') || (language === 'javascript' && rest === '//')) {
      const end = code.indexOf('\n', i);
      const stop = end < 0 ? code.length : end;
      push('comment', code.slice(i, stop));
      i = stop;
    } else if (language === 'javascript' && rest === '/*') {
      const end = code.indexOf('*/', i + 2);
      const stop = end < 0 ? code.length : end + 2;
      push('comment', code.slice(i, stop));
      i = stop;
    } else if (c === '"' || c === "'" || (language === 'javascript' && c === '`')) {
      const stop = stringEnd(code, i, language);
      push('string', code.slice(i, stop));
      i = stop;
    } else if (/[0-9]/.test(c) && !/[A-Za-z0-9_]/.test(code[i - 1] ?? '')) {
      const m = /^(0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9]+)?)/.exec(code.slice(i))!;
      push('number', m[0]);
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(code.slice(i))!;
      push(KEYWORDS[language].has(m[0]) ? 'keyword' : 'plain', m[0]);
      i += m[0].length;
    } else {
      push('plain', c);
      i++;
    }
  }
  return out;
}
