/**
 * CSV per RFC 4180: comma-separated fields, double-quoted fields may hold commas, line breaks and
 * doubled quotes (""), records end with CRLF or LF (a lone CR is accepted too). The first record is
 * the header. Stricter than many readers on purpose: a quote inside an unquoted field, text after a
 * closing quote, an unterminated quote or a record with the wrong number of fields is an error that
 * names the line.
 */

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export interface CsvRow {
  values: string[];
  /** 1-based line where the record starts. */
  line: number;
}

export function parseCsv(input: string): CsvRow[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const rows: CsvRow[] = [];
  let line = 1;
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    const startLine = line;
    const values: string[] = [];
    // One record.
    for (;;) {
      let value = '';
      if (text[pos] === '"') {
        const quoteLine = line;
        pos++;
        for (;;) {
          if (pos >= n) throw new CsvSyntaxError(`the quoted field that opens on line ${quoteLine} is never closed`, quoteLine);
          const c = text[pos]!;
          if (c === '"') {
            if (text[pos + 1] === '"') {
              value += '"';
              pos += 2;
              continue;
            }
            pos++;
            break;
          }
          if (c === '\n') line++;
          else if (c === '\r' && text[pos + 1] !== '\n') line++;
          value += c;
          pos++;
        }
        const next = text[pos];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new CsvSyntaxError(`unexpected text after a closing quote: ${JSON.stringify(text.slice(pos, pos + 10))}`, line);
        }
      } else {
        const start = pos;
        while (pos < n && text[pos] !== ',' && text[pos] !== '\n' && text[pos] !== '\r') {
          if (text[pos] === '"') throw new CsvSyntaxError('a quote inside an unquoted field (quote the whole field and double the inner quotes: "a ""b"" c")', line);
          pos++;
        }
        value = text.slice(start, pos);
      }
      values.push(value);
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      // End of record: CRLF, LF, CR or end of text.
      if (text[pos] === '\r') pos++;
      if (text[pos] === '\n') pos++;
      line++;
      break;
    }
    // A completely empty line is not a record.
    if (!(values.length === 1 && values[0] === '')) rows.push({ values, line: startLine });
  }
  return rows;
}
