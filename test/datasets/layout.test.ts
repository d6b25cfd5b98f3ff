import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { isInputError } from '../../src/shared/errors';
import { resolveSplitFiles } from '../../src/worker/datasets/layout';
import { EXAMPLES, tempDir } from './paths';

function tree(files: string[], fn: (root: string) => void): void {
  const { dir, cleanup } = tempDir('layout');
  try {
    for (const f of files) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), '');
    }
    fn(dir);
  } finally {
    cleanup();
  }
}

function throwsInput(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => isInputError(e) && pattern.test(e.message));
}

test('Hugging Face layouts: <config>/<split>-*.parquet, data/<split>-*.parquet, <split>.jsonl, <config>/<split>/*.parquet', () => {
  const mmlu = resolveSplitFiles(join(EXAMPLES, 'data/mmlu'), 'test', 'all');
  assert.deepEqual(mmlu.files.map((f) => relative(EXAMPLES, f)), ['data/mmlu/all/test-00000-of-00001.parquet']);
  assert.equal(mmlu.format, 'parquet');
  // The only configuration with a test split is found without naming it.
  assert.equal(resolveSplitFiles(join(EXAMPLES, 'data/mmlu'), 'dev').config, 'all');
  assert.deepEqual(resolveSplitFiles(join(EXAMPLES, 'data/glue/qnli'), 'validation').files.map((f) => basename(f)), ['validation-00000-of-00001.parquet']);
  assert.equal(resolveSplitFiles(join(EXAMPLES, 'data/hellaswag'), 'train').format, 'jsonl');
  // "validation" does not take "validation_matched"'s files, and vice versa.
  tree(['validation.jsonl', 'validation_matched.jsonl', 'data/test-00000-of-00002-abc.parquet', 'data/test-00001-of-00002-abc.parquet', 'cfg/train/0000.parquet'], (root) => {
    assert.deepEqual(resolveSplitFiles(root, 'validation').files.map((f) => basename(f)), ['validation.jsonl']);
    assert.deepEqual(resolveSplitFiles(root, 'validation_matched').files.map((f) => basename(f)), ['validation_matched.jsonl']);
    assert.deepEqual(resolveSplitFiles(root, 'test').files.map((f) => basename(f)), ['test-00000-of-00002-abc.parquet', 'test-00001-of-00002-abc.parquet']);
    assert.deepEqual(resolveSplitFiles(root, 'train').files.map((f) => relative(root, f)), ['cfg/train/0000.parquet']);
  });
  // A file path is used as it is, whatever the split.
  assert.equal(resolveSplitFiles(join(EXAMPLES, 'data/glue/sst2/validation.csv'), 'ignored').format, 'csv');
});

test('layout errors: missing split (listing the ones found), ambiguous configurations, mixed formats, Arrow folders', () => {
  throwsInput(() => resolveSplitFiles(join(EXAMPLES, 'data/hellaswag'), 'test'), /no files for the split "test" \(found: train, validation\)/);
  tree(['abstract_algebra/test-00000-of-00001.parquet', 'all/test-00000-of-00001.parquet'], (root) => {
    throwsInput(() => resolveSplitFiles(root, 'test'), /several configurations with a "test" split: abstract_algebra, all.*config: all/);
    assert.equal(resolveSplitFiles(root, 'test', 'abstract_algebra').config, 'abstract_algebra');
    throwsInput(() => resolveSplitFiles(root, 'test', 'nope'), /no configuration folder "nope"/);
  });
  tree(['test.jsonl', 'test-00000-of-00001.parquet'], (root) => throwsInput(() => resolveSplitFiles(root, 'test'), /mixes (jsonl and parquet|parquet and jsonl) files/));
  tree(['dataset_dict.json', 'test/data-00000-of-00001.arrow', 'test/state.json'], (root) => throwsInput(() => resolveSplitFiles(root, 'validation'), /save_to_disk folder/));
  tree(['a.jsonl', 'b.jsonl'], (root) => throwsInput(() => resolveSplitFiles(root, undefined), /no split was named/));
  throwsInput(() => resolveSplitFiles(join(EXAMPLES, 'data/nowhere'), 'test'), /does not exist/);
});
