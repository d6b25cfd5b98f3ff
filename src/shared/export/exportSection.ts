/**
 * One titled table of a run export (Markdown, HTML or CSV), with optional lines under it. The
 * Markdown and HTML exports' report sections (goals, robustness, calibration, human rating) all go
 * through these, so an absent section is absent in every format and every cell is escaped the same way.
 */
export interface ExportSection {
  title: string;
  /** A sentence under the title: how the numbers were computed (the CLI prints the same). */
  caption?: string;
  columns: readonly string[];
  rows: readonly (readonly string[])[];
  /** Lines under the table. */
  notes?: readonly string[];
}

/** Markdown lines of a section, none when it has no rows; `escape` makes a table cell safe. */
export function sectionMarkdown(section: ExportSection, escape: (cell: string) => string): string[] {
  if (section.rows.length === 0) return [];
  return [
    `## ${section.title}`,
    '',
    ...(section.caption ? [escape(section.caption), ''] : []),
    `| ${section.columns.map(escape).join(' | ')} |`,
    `| ${section.columns.map(() => '---').join(' | ')} |`,
    ...section.rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
    '',
    ...(section.notes?.length ? [...section.notes.map((line) => `- ${escape(line)}`), ''] : []),
  ];
}

/** HTML of a section, '' when it has no rows; `escape` escapes HTML text (every string is untrusted). */
export function sectionHtml(section: ExportSection, escape: (text: string) => string): string {
  if (section.rows.length === 0) return '';
  const head = section.columns.map((c) => `<th>${escape(c)}</th>`).join('');
  const body = section.rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('');
  const caption = section.caption ? `<p>${escape(section.caption)}</p>` : '';
  return `<h2>${escape(section.title)}</h2>${caption}<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${(section.notes ?? []).map((l) => `<p>${escape(l)}</p>`).join('')}`;
}

/** A CSV section with raw values: its title on a row of its own, then header and rows. */
export interface CsvSection {
  title: string;
  header: readonly string[];
  rows: ReadonlyArray<ReadonlyArray<unknown>>;
}

/**
 * The records of the CSV export's further sections after the comparison table: for each section
 * with rows, an empty record, a one-cell title record, its header and its rows. None when no
 * section has rows, so a run without them keeps the single-table file.
 */
export function csvSectionRecords(sections: readonly CsvSection[]): unknown[][] {
  return sections.filter((s) => s.rows.length > 0).flatMap((s) => [[], [s.title], [...s.header], ...s.rows.map((r) => [...r])]);
}
