/**
 * Where things are in a JSON text, for messages about a hand-edited file: the line and column of
 * the first syntax error, and the line each value starts on by its path. A strict RFC 8259 scanner
 * (no comments, no trailing commas), independent of the wording of JSON.parse's errors, which
 * differs between V8 versions (the extension host's Electron and the CLI's Node).
 */
export type JsonPath = ReadonlyArray<string | number>;

export interface JsonSyntaxProblem {
  /** 0-based offset into the text. */
  offset: number;
  /** 1-based. */
  line: number;
  column: number;
  message: string;
}

export interface JsonScan {
  /** null when the text is valid JSON. */
  error: JsonSyntaxProblem | null;
  /** 1-based line where the value at `path` starts; undefined for a path not in the text. */
  lineOf(path: JsonPath): number | undefined;
}

class SyntaxProblem extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

export function scanJson(text: string): JsonScan {
  const lines = new Map<string, number>();
  let pos = 0;
  let line = 1;

  const fail = (message: string, at = pos): never => {
    throw new SyntaxProblem(at, message);
  };
  const describe = (at: number): string => (at >= text.length ? 'the end of the file' : `${JSON.stringify(text[at])}`);
  const skipWhitespace = (): void => {
    while (pos < text.length) {
      const c = text[pos];
      if (c === '\n') line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') break;
      pos++;
    }
  };
  const expect = (char: string, what: string): void => {
    if (text[pos] !== char) fail(`Expected ${what} but found ${describe(pos)}.`);
    pos++;
  };
  const scanString = (): string => {
    const start = pos;
    expect('"', 'a double-quoted string');
    let out = '';
    while (true) {
      if (pos >= text.length) fail('The string is not closed.', start);
      const c = text[pos]!;
      if (c === '"') {
        pos++;
        return out;
      }
      if (c === '\n' || c < ' ') fail('A string cannot contain a line break or control character; write \\n.');
      if (c === '\\') {
        const e = text[pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) fail('Bad \\u escape in a string.');
          out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
          continue;
        }
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e === undefined || !(e in map)) fail(`Bad escape \\${e ?? ''} in a string.`);
        out += map[e!];
        pos += 2;
        continue;
      }
      out += c;
      pos++;
    }
  };
  const scanValue = (path: Array<string | number>): void => {
    skipWhitespace();
    lines.set(JSON.stringify(path), line);
    const c = text[pos];
    if (c === '{') {
      pos++;
      skipWhitespace();
      if (text[pos] === '}') {
        pos++;
        return;
      }
      while (true) {
        skipWhitespace();
        if (text[pos] !== '"') fail(`Expected a double-quoted property name but found ${describe(pos)}.`);
        const key = scanString();
        skipWhitespace();
        expect(':', "':' after a property name");
        scanValue([...path, key]);
        skipWhitespace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return;
        }
        fail(`Expected ',' or '}' after a property value but found ${describe(pos)}.`);
      }
    }
    if (c === '[') {
      pos++;
      skipWhitespace();
      if (text[pos] === ']') {
        pos++;
        return;
      }
      for (let index = 0; ; index++) {
        scanValue([...path, index]);
        skipWhitespace();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return;
        }
        fail(`Expected ',' or ']' after an array element but found ${describe(pos)}.`);
      }
    }
    if (c === '"') {
      scanString();
      return;
    }
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(pos, pos + 400));
    if (number && number[0].length > 0) {
      pos += number[0].length;
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, pos)) {
        pos += literal.length;
        return;
      }
    }
    fail(`Expected a value but found ${describe(pos)}.`);
  };

  let error: JsonSyntaxProblem | null = null;
  try {
    scanValue([]);
    skipWhitespace();
    if (pos < text.length) fail(`Unexpected ${describe(pos)} after the end of the JSON value.`);
  } catch (e) {
    if (!(e instanceof SyntaxProblem)) throw e;
    error = { offset: e.offset, ...lineAndColumn(text, e.offset), message: e.message };
  }
  return { error, lineOf: (path) => lines.get(JSON.stringify(path)) };
}

/** 1-based line and column (in UTF-16 code units) of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < Math.min(offset, text.length); i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
