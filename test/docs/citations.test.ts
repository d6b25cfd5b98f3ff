import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';

/**
 * Comments cite the project's own docs, e.g. `(docs/architecture.md, "Native packages stay out of
 * bundles")`. A cited file must exist and a cited section must be one of its headings, so a renamed
 * doc or heading fails here instead of leaving a dangling pointer; and nothing may cite design
 * notes that live outside the repository.
 */

const ROOT = resolve('.');
const SCANNED_FOLDERS = ['src', 'webview', 'test', 'bench', 'scripts'];
const SCANNED_FILES = ['.vscodeignore', 'README.md'];
const TEXT_FILE = /\.(ts|mts|cts|js|mjs|cjs|sh|json)$/;
const THIS_FILE = join('test', 'docs', 'citations.test.ts');
/** Contract fixtures cite other projects' files (vLLM's, SGLang's own docs/…), never ours. */
const OTHER_PROJECTS_SOURCES = join('test', 'contracts');

/** `docs/x.md`, optionally `#anchor`, optionally followed by `, "Section"` or ` "Section"`. */
const CITATION = /\bdocs\/([\w./-]+\.md)(?:#([\w-]+))?(?:,?\s*"([^"\n]+)")?/g;
/** The notes other engineers keep outside the repository (../shared/*.md, DESIGN.md, METRICS.md). */
const OUTSIDE_NOTE = /\.\.\/shared\/[\w-]+\.md|\b(?:DESIGN|METRICS)\.md\b/;

interface Citation {
  at: string;
  doc: string;
  anchor?: string;
  section?: string;
}

function listFiles(folder: string): string[] {
  const absolute = join(ROOT, folder);
  if (!existsSync(absolute)) return [];
  const out: string[] = [];
  for (const name of readdirSync(absolute)) {
    if (name === 'node_modules' || name === 'data') continue;
    const path = join(folder, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...listFiles(path));
    else if (TEXT_FILE.test(name)) out.push(path);
  }
  return out;
}

function scannedFiles(): string[] {
  return [...SCANNED_FOLDERS.flatMap(listFiles), ...SCANNED_FILES.filter((f) => existsSync(join(ROOT, f)))].filter((f) => f !== THIS_FILE && !f.startsWith(OTHER_PROJECTS_SOURCES));
}

function citationsIn(file: string): Citation[] {
  const out: Citation[] = [];
  readFileSync(join(ROOT, file), 'utf8').split('\n').forEach((line, index) => {
    for (const m of line.matchAll(CITATION)) {
      out.push({ at: `${file}:${index + 1}`, doc: m[1]!, ...(m[2] ? { anchor: m[2] } : {}), ...(m[3] ? { section: m[3] } : {}) });
    }
  });
  return out;
}

function headingsOf(doc: string): string[] {
  return readFileSync(join(ROOT, 'docs', doc), 'utf8')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => line.replace(/^#+ /, '').trim());
}

/** GitHub's heading anchor: lowercase, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

test('every docs/… file and section cited in the code exists', () => {
  const citations = scannedFiles().flatMap(citationsIn);
  // The scan must see the citations it guards in the sources (not just README's links), or this test proves nothing.
  const citedBySources = new Set(citations.filter((c) => c.at.startsWith('src')).map((c) => c.doc));
  assert.ok(citedBySources.has('architecture.md') && citedBySources.has('metrics.md'), `expected src/ to cite docs/architecture.md and docs/metrics.md, found: ${[...citedBySources].join(', ')}`);
  const problems: string[] = [];
  for (const c of citations) {
    if (!existsSync(join(ROOT, 'docs', c.doc))) {
      problems.push(`${c.at}: docs/${c.doc} does not exist`);
      continue;
    }
    const headings = headingsOf(c.doc);
    if (c.section !== undefined && !headings.includes(c.section)) problems.push(`${c.at}: docs/${c.doc} has no section "${c.section}"`);
    if (c.anchor !== undefined && !headings.some((h) => anchorOf(h) === c.anchor)) problems.push(`${c.at}: docs/${c.doc} has no heading for #${c.anchor}`);
  }
  assert.deepEqual(problems, []);
});

test('the docs link to each other by headings that exist', () => {
  const problems: string[] = [];
  const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
  for (const doc of docs) {
    readFileSync(join(ROOT, 'docs', doc), 'utf8').split('\n').forEach((line, index) => {
      for (const m of line.matchAll(/\]\(([\w.-]*\.md)?#([\w-]+)\)/g)) {
        const target = m[1] ?? doc;
        if (!existsSync(join(ROOT, 'docs', target))) problems.push(`docs/${doc}:${index + 1}: docs/${target} does not exist`);
        else if (!headingsOf(target).some((h) => anchorOf(h) === m[2])) problems.push(`docs/${doc}:${index + 1}: docs/${target} has no heading for #${m[2]}`);
      }
    });
  }
  assert.deepEqual(problems, []);
});

test('nothing cites design notes that live outside the repository', () => {
  const offenders: string[] = [];
  const files = [...scannedFiles(), ...listFiles('docs'), ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
  for (const file of files) {
    readFileSync(join(ROOT, file), 'utf8').split('\n').forEach((line, index) => {
      if (OUTSIDE_NOTE.test(line)) offenders.push(`${relative(ROOT, join(ROOT, file))}:${index + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
});
