import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readJsonLines, readRun } from '../../src/node/runFolder/reader';

function withRunFolder(files: Record<string, string>, use: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'ql-run-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CARD = JSON.stringify({ schemaVersion: '1.0.0', runId: 'r', specHash: 'h', createdAt: 'now', spec: {}, environment: {}, variants: [], methods: [] }, null, 2);

test('run.json and report.json with a syntax error name FILE:LINE:COLUMN', () => {
  withRunFolder({ 'run.json': '{\n  "schemaVersion": "1.0.0"\n  "runId": "r"\n}' }, (dir) => {
    assert.throws(() => readRun(dir), {
      name: 'InputError',
      message: `${join(dir, 'run.json')}:3:3: is not valid JSON: Expected ',' or '}' after a property value but found "\\"". The run folder is damaged; re-run the evaluation.`,
    });
  });
  withRunFolder({ 'run.json': CARD, 'report.json': '{"status": "completed",}' }, (dir) => {
    assert.throws(() => readRun(dir), { message: `${join(dir, 'report.json')}:1:24: is not valid JSON: Expected a double-quoted property name but found "}". The run folder is damaged; re-run the evaluation.` });
  });
});

test('events.jsonl and samples.jsonl: a line that does not parse is kept aside with its FILE:LINE:COLUMN message', () => {
  const events = ['{"type": "run-started", "at": "t", "runId": "r", "resumed": false}', '{"type": "warning", "at": "t" "message": "x"}', '', '{"type": "run-finished", "at": "t", "status": "comp'].join('\n');
  withRunFolder({ 'run.json': CARD, 'events.jsonl': events }, (dir) => {
    const file = join(dir, 'events.jsonl');
    const run = readRun(dir);
    assert.equal(run.events.length, 1);
    assert.deepEqual(run.damagedLines, [2, 4]);
    assert.deepEqual(run.damaged.map((d) => d.message), [
      `${file}:2:31: line 2 is not valid JSON: Expected ',' or '}' after a property value but found "\\"". The run folder is damaged; re-run the evaluation.`,
      `${file}:4:47: line 4 is not valid JSON: Unterminated string (it has no closing double quote). The run folder is damaged; re-run the evaluation.`,
    ]);
    assert.deepEqual(readJsonLines(join(dir, 'samples.jsonl')), { values: [], damagedLines: [], damaged: [] }, 'no samples file: nothing read');
  });
});
