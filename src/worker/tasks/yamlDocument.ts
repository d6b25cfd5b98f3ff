import { Document, LineCounter, parseDocument } from 'yaml';
import { JsonSyntaxError, parseJson } from '../../node/jsonFile';

/** Where a task or goals file's text is not even YAML (or, for a .json file, not JSON). */
export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}

export type ParsedYaml = { ok: true; doc: Document.Parsed; lines: LineCounter } | { ok: false; problems: SyntaxProblem[] };

/**
 * A task or goals file parsed for validation with field lines. A .json file is first held to
 * strict JSON (the YAML parser would take trailing commas and comments); then the YAML parse,
 * which JSON is a subset of, gives every field's line. Each loader wraps the problems in its
 * own error, which names the file and says what to fix.
 */
export function parseYamlOrStrictJson(file: string, text: string): ParsedYaml {
  if (/\.json$/i.test(file)) {
    try {
      parseJson(text);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      return { ok: false, problems: [{ line: error.line, column: error.column, message: `not valid JSON: ${error.message}` }] };
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { line, column: col, message: `not valid YAML: ${e.message.split('\n')[0]}` };
      }),
    };
  }
  return { ok: true, doc, lines };
}
