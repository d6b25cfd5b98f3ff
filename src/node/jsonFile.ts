/**
 * The one JSON reader for the files users and runs put on disk (config.json, tokenizer files,
 * task files, datasets, annotations.json, run folders). Every syntax error comes out as
 * FILE:LINE:COLUMN with what to do, found by our own strict RFC 8259 scanner (no comments, no
 * trailing commas), so the place does not depend on the wording of JSON.parse's errors, which
 * differs between V8 versions (the extension host's Electron and the CLI's Node).
 *
 * Three ways in, by what the caller needs:
 * - `parseJson`: the value. JSON.parse speed; the scanner runs only to place an error.
 * - `parseJsonWithLines`: the value and the line each object or array starts on (a WeakMap, so
 *   multi-MB dataset files pay one map entry per object, nothing per path).
 * - `parseJsonWithPaths`: also the line of every value by its path (small hand-edited files whose
 *   structure errors name a field).
 * `readJsonFile` and `parseJsonOf` (a file's text, or one line of a JSON Lines file) turn the
 * syntax error into the InputError `file:line:column: is not valid JSON: … <what to do>`.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../shared/errors';
import { throwReadError } from './fileReadErrors';

export type JsonPath = ReadonlyArray<string | number>;

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based offset into the text. */
    readonly offset: number,
    /** 1-based. */
    readonly line: number,
    /** 1-based, in UTF-16 code units. */
    readonly column: number,
  ) {
    super(message);
  }
}

export interface ParsedJson {
  value: unknown;
  /** 1-based line where each object or array value starts. */
  lineOf: WeakMap<object, number>;
}

export interface ParsedJsonWithPaths extends ParsedJson {
  /** 1-based line where the value at `path` starts; undefined for a path not in the text. */
  lineOfPath(path: JsonPath): number | undefined;
}

/** Editors on Windows may save a byte order mark, which is not JSON. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The value of a JSON text (a leading BOM is allowed); throws JsonSyntaxError with line and column. */
export function parseJson(text: string): unknown {
  const body = stripBom(text);
  try {
    return JSON.parse(body);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    parseStrict(body, false); // throws the placed error
    // The scanner found nothing wrong (it is stricter than JSON.parse, so this should not happen):
    // place V8's own message as best its wording allows.
    const at = v8ErrorPosition(body, error.message);
    throw new JsonSyntaxError(error.message, at.offset, at.line, at.column);
  }
}

export function parseJsonWithLines(text: string): ParsedJson {
  return parseStrict(stripBom(text), false);
}

export function parseJsonWithPaths(text: string): ParsedJsonWithPaths {
  return parseStrict(stripBom(text), true) as ParsedJsonWithPaths;
}

/**
 * Reads and parses a JSON file; an unreadable file or a syntax error is an InputError that names
 * FILE:LINE:COLUMN and ends with `remedy`.
 */
export function readJsonFile(file: string, remedy: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return throwReadError(file, error);
  }
  return parseJsonOf(file, text, remedy);
}

/**
 * `parseJson` for the text of `file` (or, with `jsonLine`, for that one line of a JSON Lines
 * file): a syntax error is the InputError of `jsonSyntaxInputError`.
 */
export function parseJsonOf(file: string, text: string, remedy: string, jsonLine?: number): unknown {
  try {
    return parseJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw jsonSyntaxInputError(file, error, remedy, jsonLine);
  }
}

/**
 * A placed syntax error as the InputError every door shows:
 * `file:line:column: is not valid JSON: <what>. <remedy>` (say where to fix it, e.g. "Fix the JSON
 * syntax there (or re-export the model).").
 * `jsonLine` is for JSON Lines, where each line is parsed alone: the file line it came from.
 */
export function jsonSyntaxInputError(file: string, error: JsonSyntaxError, remedy: string, jsonLine?: number): InputError {
  const what = jsonLine === undefined ? 'is not valid JSON' : `line ${jsonLine} is not valid JSON`;
  return new InputError(file, `${what}: ${error.message}.`, remedy, jsonLine ?? error.line, error.column);
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

/**
 * Where a JSON.parse error says it is. V8 states a character position (Node 20), a line and
 * column (newer V8), or for "Unexpected end of JSON input" neither, which means the end.
 */
export function v8ErrorPosition(text: string, message: string): { offset: number; line: number; column: number } {
  const lc = /\bline (\d+) column (\d+)/.exec(message);
  if (lc) {
    const line = Number(lc[1]);
    const column = Number(lc[2]);
    let offset = 0;
    for (let l = 1; l < line && offset >= 0; l++) offset = text.indexOf('\n', offset) + 1;
    return { offset: offset + column - 1, line, column };
  }
  const position = /\bposition (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : text.trimEnd().length;
  return { offset, ...lineAndColumn(text, offset) };
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** The strict parser behind all three ways in; `withPaths` adds the per-path line map. */
function parseStrict(text: string, withPaths: boolean): ParsedJson | ParsedJsonWithPaths {
  const lineOf = new WeakMap<object, number>();
  const pathLines = withPaths ? new Map<string, number>() : null;
  const path: Array<string | number> = [];
  let pos = 0;
  let line = 1;

  const fail = (message: string, at = pos): never => {
    const place = lineAndColumn(text, at);
    throw new JsonSyntaxError(message, at, place.line, place.column);
  };
  const found = (): string => (pos >= text.length ? 'the end of the file' : JSON.stringify(text[pos]));

  const skipWhitespace = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 10) {
        line++;
        pos++;
      } else if (c === 32 || c === 9 || c === 13) pos++;
      else return;
    }
  };

  const parseString = (): string => {
    const start = pos;
    pos++; // opening quote
    let out = '';
    let chunkStart = pos;
    for (;;) {
      if (pos >= text.length) fail('Unterminated string (it has no closing double quote)', start);
      const c = text.charCodeAt(pos);
      if (c === 34) {
        out += text.slice(chunkStart, pos);
        pos++;
        return out;
      }
      if (c === 92) {
        out += text.slice(chunkStart, pos);
        const e = text[pos + 1];
        if (e !== undefined && e in ESCAPES) {
          out += ESCAPES[e];
          pos += 2;
        } else if (e === 'u') {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Bad \\u escape in a string (it needs four hex digits)');
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
        } else {
          fail(`Bad escape \\${e ?? ''} in a string`);
        }
        chunkStart = pos;
        continue;
      }
      if (c < 32) fail(c === 10 ? 'Line break inside a string (write it as \\n)' : 'Control character inside a string');
      pos++;
    }
  };

  /** At an opening bracket: records the container's line, steps in; true when it closes at once. */
  const opensEmpty = (container: object, close: '}' | ']'): boolean => {
    lineOf.set(container, line);
    pos++;
    skipWhitespace();
    if (text[pos] !== close) return false;
    pos++;
    return true;
  };

  /** After an object member or array element: true past the closing bracket, false past a comma. */
  const closesAfterItem = (close: '}' | ']', item: string): boolean => {
    skipWhitespace();
    if (text[pos] === ',') {
      pos++;
      return false;
    }
    if (text[pos] === close) {
      pos++;
      return true;
    }
    return fail(`Expected ',' or '${close}' after ${item} but found ${found()}`);
  };

  const parseValue = (depth: number): unknown => {
    if (depth > 10_000) fail('Nesting is too deep');
    skipWhitespace();
    pathLines?.set(JSON.stringify(path), line);
    const c = text[pos];
    if (c === '{') {
      const obj: Record<string, unknown> = {};
      if (opensEmpty(obj, '}')) return obj;
      for (;;) {
        skipWhitespace();
        if (text[pos] !== '"') fail(`Expected a double-quoted property name but found ${found()}`);
        const key = parseString();
        skipWhitespace();
        if (text[pos] !== ':') fail(`Expected ':' after the property name "${key}" but found ${found()}`);
        pos++;
        if (pathLines) path.push(key);
        const value = parseValue(depth + 1);
        if (pathLines) path.pop();
        // defineProperty, not assignment: a "__proto__" key is data, as with JSON.parse.
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        if (closesAfterItem('}', 'a property value')) return obj;
      }
    }
    if (c === '[') {
      const arr: unknown[] = [];
      if (opensEmpty(arr, ']')) return arr;
      for (;;) {
        if (pathLines) path.push(arr.length);
        arr.push(parseValue(depth + 1));
        if (pathLines) path.pop();
        if (closesAfterItem(']', 'an array element')) return arr;
      }
    }
    if (c === '"') return parseString();
    if (text.startsWith('true', pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith('false', pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith('null', pos)) {
      pos += 4;
      return null;
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m && m[0].length) {
      pos += m[0].length;
      return Number(m[0]);
    }
    return fail(`Expected a value but found ${found()}`);
  };

  const value = parseValue(0);
  skipWhitespace();
  if (pos < text.length) fail(`Unexpected ${found()} after the end of the JSON value`);
  if (!pathLines) return { value, lineOf };
  return { value, lineOf, lineOfPath: (p: JsonPath) => pathLines.get(JSON.stringify(p)) };
}
