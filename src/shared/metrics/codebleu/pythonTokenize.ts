/**
 * CPython 3.11's pure-Python `tokenize.generate_tokens` (Lib/tokenize.py `_tokenize`), ported line by
 * line, because CodeBLEU's reference removes Python comments and docstrings by walking these tokens
 * (codebleu/parser/utils.py remove_comments_and_docstrings). Only what that walk reads is produced:
 * each token's kind, text and (row, column) start/end. Errors are thrown where CPython raises
 * (EOF in a multi-line string or statement, an unindent matching no outer level): the reference then
 * keeps the source unchanged. Columns are UTF-16 offsets in the line (CPython's are code points):
 * the walk only subtracts columns on one line, where the gap is ASCII whitespace, so it is the same.
 */

export type PyTokenKind = 'STRING' | 'COMMENT' | 'NL' | 'NEWLINE' | 'INDENT' | 'DEDENT' | 'NAME' | 'NUMBER' | 'OP' | 'ERRORTOKEN' | 'ENDMARKER';

export interface PyToken {
  kind: PyTokenKind;
  text: string;
  /** [row (1-based), column]. */
  start: [number, number];
  end: [number, number];
}

export class PyTokenizeError extends Error {
  override readonly name = 'PyTokenizeError';
}

const group = (...choices: string[]): string => `(${choices.join('|')})`;
const maybe = (...choices: string[]): string => `${group(...choices)}?`;

const Whitespace = '[ \\f\\t]*';
const Comment = '#[^\\r\\n]*';
// Python's Unicode \w: str.isalnum() or '_'.
const Name = '[\\p{L}\\p{N}_]+';
const Hexnumber = '0[xX](?:_?[0-9a-fA-F])+';
const Binnumber = '0[bB](?:_?[01])+';
const Octnumber = '0[oO](?:_?[0-7])+';
const Decnumber = '(?:0(?:_?0)*|[1-9](?:_?[0-9])*)';
const Intnumber = group(Hexnumber, Binnumber, Octnumber, Decnumber);
const Exponent = '[eE][-+]?[0-9](?:_?[0-9])*';
const Pointfloat = group('[0-9](?:_?[0-9])*\\.(?:[0-9](?:_?[0-9])*)?', '\\.[0-9](?:_?[0-9])*') + maybe(Exponent);
const Expfloat = '[0-9](?:_?[0-9])*' + Exponent;
const Floatnumber = group(Pointfloat, Expfloat);
const Imagnumber = group('[0-9](?:_?[0-9])*[jJ]', Floatnumber + '[jJ]');
const NumberPattern = group(Imagnumber, Floatnumber, Intnumber);

function permutations(s: string): string[] {
  if (s.length <= 1) return [s];
  return [...s].flatMap((c, i) => permutations(s.slice(0, i) + s.slice(i + 1)).map((rest) => c + rest));
}

/** '' plus every valid string prefix in every order and case (tokenize._all_string_prefixes). */
const STRING_PREFIXES: string[] = (() => {
  const result = new Set<string>(['']);
  for (const prefix of ['b', 'r', 'u', 'f', 'br', 'fr']) {
    for (const t of permutations(prefix)) {
      let variants = [''];
      for (const c of t) variants = variants.flatMap((v) => [v + c, v + c.toUpperCase()]);
      for (const v of variants) result.add(v);
    }
  }
  return [...result];
})();

// The prefixes are followed by a quote, so their order in the alternation cannot change a match.
const StringPrefix = group(...STRING_PREFIXES);
const Single = "[^'\\\\]*(?:\\\\.[^'\\\\]*)*'";
const Double = '[^"\\\\]*(?:\\\\.[^"\\\\]*)*"';
const Single3 = "[^'\\\\]*(?:(?:\\\\.|'(?!''))[^'\\\\]*)*'''";
const Double3 = '[^"\\\\]*(?:(?:\\\\.|"(?!""))[^"\\\\]*)*"""';
const Triple = group(StringPrefix + "'''", StringPrefix + '"""');

// token.EXACT_TOKEN_TYPES sorted in reverse (long operators before their prefixes), as Python 3.11.
const EXACT_TOKENS = [
  '~', '}', '|=', '|', '{', '^=', '^', ']', '[', '@=', '@', '>>=', '>>', '>=', '>', '==', '=', '<=', '<<=', '<<', '<', ';', ':=', ':',
  '/=', '//=', '//', '/', '...', '.', '->', '-=', '-', ',', '+=', '+', '*=', '**=', '**', '*', ')', '(', '&=', '&', '%=', '%', '!=',
];
const Special = group(...EXACT_TOKENS.map((t) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
const Funny = group('\\r?\\n', Special);
const ContStr = group(
  StringPrefix + "'[^\\n'\\\\]*(?:\\\\.[^\\n'\\\\]*)*" + group("'", '\\\\\\r?\\n'),
  StringPrefix + '"[^\\n"\\\\]*(?:\\\\.[^\\n"\\\\]*)*' + group('"', '\\\\\\r?\\n'),
);
// Python's \Z (end of the string) is JS's $ without the m flag.
const PseudoExtras = group('\\\\\\r?\\n|$', Comment, Triple);
// Python's `.` does not match \n without DOTALL; JS's does not match \r, \u2028, \u2029 either: [^\n] does as Python.
const PseudoToken = new RegExp(Whitespace + group(PseudoExtras, NumberPattern, Funny, ContStr, Name).replace(/\\\\\./g, '\\\\[^\\n]'), 'uy');

const fixDot = (pattern: string): string => pattern.replace(/\\\\\./g, '\\\\[^\\n]');
const END_PATTERNS: Record<string, RegExp> = {};
for (const prefix of STRING_PREFIXES) {
  END_PATTERNS[`${prefix}'`] = new RegExp(fixDot(Single), 'uy');
  END_PATTERNS[`${prefix}"`] = new RegExp(fixDot(Double), 'uy');
  END_PATTERNS[`${prefix}'''`] = new RegExp(fixDot(Single3), 'uy');
  END_PATTERNS[`${prefix}"""`] = new RegExp(fixDot(Double3), 'uy');
}
const SINGLE_QUOTED = new Set(STRING_PREFIXES.flatMap((p) => [`${p}"`, `${p}'`]));
const TRIPLE_QUOTED = new Set(STRING_PREFIXES.flatMap((p) => [`${p}"""`, `${p}'''`]));
const IDENTIFIER_START = /^[\p{XID_Start}_]/u;
const TAB_SIZE = 8;

function matchAt(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(text);
}

/** The span of capture group 1 of a PseudoToken match: Whitespace precedes it. */
function groupSpan(match: RegExpExecArray): [number, number] {
  const whole = match[0];
  const inner = match[1] ?? '';
  const end = match.index + whole.length;
  return [end - inner.length, end];
}

/** Python's StringIO(source).readline(): lines split after each '\n', the last one without it. */
function pyLines(source: string): string[] {
  const lines: string[] = [];
  let from = 0;
  while (from < source.length) {
    const nl = source.indexOf('\n', from);
    const to = nl < 0 ? source.length : nl + 1;
    lines.push(source.slice(from, to));
    from = to;
  }
  return lines;
}

/** Python's str.strip() of ASCII-and-Unicode whitespace, enough for `.strip().startswith('#')`. */
const startsWithCommentAfterStrip = (line: string): boolean => /^\s*#/u.test(line);

export function* generateTokens(source: string): Generator<PyToken> {
  const lines = pyLines(source);
  let lineNo = 0;
  let lnum = 0;
  let parenlev = 0;
  let continued = false;
  let contstr = '';
  let needcont = false;
  let strstart: [number, number] = [0, 0];
  let endprog: RegExp = END_PATTERNS['"']!;
  let indents = [0];
  let lastLine = '';
  let line = '';
  for (;;) {
    lastLine = line;
    line = lineNo < lines.length ? lines[lineNo++]! : '';
    lnum += 1;
    let pos = 0;
    const max = line.length;

    if (contstr) {
      if (!line) throw new PyTokenizeError(`EOF in multi-line string at line ${strstart[0]}`);
      const endmatch = matchAt(endprog, line, 0);
      if (endmatch) {
        const end = endmatch.index + endmatch[0].length;
        pos = end;
        yield { kind: 'STRING', text: contstr + line.slice(0, end), start: strstart, end: [lnum, end] };
        contstr = '';
        needcont = false;
      } else if (needcont && !line.endsWith('\\\n') && !line.endsWith('\\\r\n')) {
        yield { kind: 'ERRORTOKEN', text: contstr + line, start: strstart, end: [lnum, line.length] };
        contstr = '';
        continue;
      } else {
        contstr += line;
        continue;
      }
    } else if (parenlev === 0 && !continued) {
      if (!line) break;
      let column = 0;
      while (pos < max) {
        const c = line[pos];
        if (c === ' ') column += 1;
        else if (c === '\t') column = (Math.floor(column / TAB_SIZE) + 1) * TAB_SIZE;
        else if (c === '\f') column = 0;
        else break;
        pos += 1;
      }
      if (pos === max) break;

      const first = line[pos]!;
      if (first === '#' || first === '\r' || first === '\n') {
        if (first === '#') {
          const comment = line.slice(pos).replace(/[\r\n]+$/, '');
          yield { kind: 'COMMENT', text: comment, start: [lnum, pos], end: [lnum, pos + comment.length] };
          pos += comment.length;
        }
        yield { kind: 'NL', text: line.slice(pos), start: [lnum, pos], end: [lnum, line.length] };
        continue;
      }
      if (column > indents[indents.length - 1]!) {
        indents.push(column);
        yield { kind: 'INDENT', text: line.slice(0, pos), start: [lnum, 0], end: [lnum, pos] };
      }
      while (column < indents[indents.length - 1]!) {
        if (!indents.includes(column)) throw new PyTokenizeError(`unindent does not match any outer indentation level (line ${lnum})`);
        indents = indents.slice(0, -1);
        yield { kind: 'DEDENT', text: '', start: [lnum, pos], end: [lnum, pos] };
      }
    } else {
      if (!line) throw new PyTokenizeError(`EOF in multi-line statement (line ${lnum})`);
      continued = false;
    }

    while (pos < max) {
      const pseudomatch = matchAt(PseudoToken, line, pos);
      if (pseudomatch) {
        const [start, end] = groupSpan(pseudomatch);
        const spos: [number, number] = [lnum, start];
        const epos: [number, number] = [lnum, end];
        pos = end;
        if (start === end) continue;
        const token = line.slice(start, end);
        const initial = line[start]!;
        if ('0123456789'.includes(initial) || (initial === '.' && token !== '.' && token !== '...')) {
          yield { kind: 'NUMBER', text: token, start: spos, end: epos };
        } else if (initial === '\r' || initial === '\n') {
          yield { kind: parenlev > 0 ? 'NL' : 'NEWLINE', text: token, start: spos, end: epos };
        } else if (initial === '#') {
          yield { kind: 'COMMENT', text: token, start: spos, end: epos };
        } else if (TRIPLE_QUOTED.has(token)) {
          endprog = END_PATTERNS[token]!;
          const endmatch = matchAt(endprog, line, pos);
          if (endmatch) {
            pos = endmatch.index + endmatch[0].length;
            yield { kind: 'STRING', text: line.slice(start, pos), start: spos, end: [lnum, pos] };
          } else {
            strstart = [lnum, start];
            contstr = line.slice(start);
            break;
          }
        } else if (SINGLE_QUOTED.has(initial) || SINGLE_QUOTED.has(token.slice(0, 2)) || SINGLE_QUOTED.has(token.slice(0, 3))) {
          if (token.endsWith('\n')) {
            strstart = [lnum, start];
            endprog = END_PATTERNS[initial] ?? END_PATTERNS[token[1]!] ?? END_PATTERNS[token[2]!]!;
            contstr = line.slice(start);
            needcont = true;
            break;
          } else {
            yield { kind: 'STRING', text: token, start: spos, end: epos };
          }
        } else if (IDENTIFIER_START.test(initial)) {
          yield { kind: 'NAME', text: token, start: spos, end: epos };
        } else if (initial === '\\') {
          continued = true;
        } else {
          if ('([{'.includes(initial)) parenlev += 1;
          else if (')]}'.includes(initial)) parenlev -= 1;
          yield { kind: 'OP', text: token, start: spos, end: epos };
        }
      } else {
        yield { kind: 'ERRORTOKEN', text: line[pos]!, start: [lnum, pos], end: [lnum, pos + 1] };
        pos += 1;
      }
    }
  }
  const lastChar = lastLine[lastLine.length - 1];
  if (lastLine && lastChar !== '\r' && lastChar !== '\n' && !startsWithCommentAfterStrip(lastLine)) {
    yield { kind: 'NEWLINE', text: '', start: [lnum - 1, lastLine.length], end: [lnum - 1, lastLine.length + 1] };
  }
  for (let i = 1; i < indents.length; i++) yield { kind: 'DEDENT', text: '', start: [lnum, 0], end: [lnum, 0] };
  yield { kind: 'ENDMARKER', text: '', start: [lnum, 0], end: [lnum, 0] };
}
