/** RFC 4180 CSV: CRLF rows, fields with a comma, quote or line break quoted, quotes doubled. Empty for null, undefined and non-finite numbers. */
export function csvText(rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const cell = (v: unknown): string => {
    const s = v === undefined || v === null || (typeof v === 'number' && !Number.isFinite(v)) ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
