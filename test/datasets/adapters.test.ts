import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { isInputError } from '../../src/shared/errors';
import { ADAPTERS } from '../../src/worker/datasets/adapters';
import { applyFieldMapping } from '../../src/worker/datasets/fields';
import { GenerationItem, MultipleChoiceItem, TextItem, loadDataset, toItem } from '../../src/worker/datasets/load';
import { DatasetRecord } from '../../src/worker/datasets/records';
import { EXAMPLES } from './paths';

const record = (fields: Record<string, unknown>, line = 7): DatasetRecord => ({ fields, source: { file: '/data/x.jsonl', line, unit: 'line' } });

test('MMLU adapter on the example parquet: lm-eval prompt, letters as continuations, subject description', async () => {
  const ds = await loadDataset({ path: join(EXAMPLES, 'data/mmlu'), split: 'test', config: 'all', adapter: 'mmlu' });
  assert.equal(ds.items.length, 8);
  const item = ds.items[0] as MultipleChoiceItem;
  assert.equal(item.kind, 'multiple_choice');
  assert.equal(item.context, 'What is the value of 7 × 8?\nA. 54\nB. 56\nC. 58\nD. 64\nAnswer:');
  assert.deepEqual(item.choices, ['A', 'B', 'C', 'D']);
  assert.equal(item.gold, 1);
  assert.equal(item.description, 'The following are multiple choice questions (with answers) about elementary mathematics.\n\n');
  assert.equal(item.id, 'test-0');
  assert.match(item.key, /^[0-9a-f]{16}$/);
  assert.deepEqual(item.fields.choices, ['54', '56', '58', '64'], 'templates see the answer texts');
  const limited = await loadDataset({ path: join(EXAMPLES, 'data/mmlu'), split: 'test', adapter: 'mmlu' }, { limit: 3 });
  assert.equal(limited.items.length, 3);
  assert.equal(limited.totalRecords, 8);
  assert.equal(limited.items[0]!.key, item.key, 'content keys do not depend on how the split was found');
});

test('HellaSwag adapter: activity_label + ctx_a + capitalized ctx_b, bracket artifacts removed, string labels', async () => {
  const ds = await loadDataset({ path: join(EXAMPLES, 'data/hellaswag'), split: 'validation', adapter: 'hellaswag' });
  const first = ds.items[0] as MultipleChoiceItem;
  assert.equal(first.context, 'Making tea: A woman fills a kettle with water and sets it on the stove. She');
  assert.equal(first.gold, 0);
  assert.equal(first.id, '24', 'the "ind" field is the id');
  const wikihow = ds.items[2] as MultipleChoiceItem;
  // lm-eval preprocess: " [title]" → ". ", other [..] removed, double spaces collapsed.
  assert.equal(wikihow.context, 'Home and Garden: How to plant tomatoes. Choose a sunny spot. Tomatoes need at least six hours of sun a day.');
  // "[substeps] Dig…" keeps the space after the removed bracket, exactly as lm-eval's preprocess does.
  assert.equal(wikihow.choices[1], ' Dig a hole deep enough to bury two thirds of the stem.');
});

test('GLUE and SuperGLUE adapters: lm-eval prompts and label words', async () => {
  const sst2 = (await loadDataset({ path: join(EXAMPLES, 'data/glue/sst2/validation.csv'), adapter: 'sst2' })).items[0] as MultipleChoiceItem;
  assert.equal(sst2.context, "it 's a charming and often affecting journey . \nQuestion: Is this sentence positive or negative?\nAnswer:");
  assert.deepEqual([sst2.choices, sst2.gold], [['negative', 'positive'], 1]);
  const mnli = (await loadDataset({ path: join(EXAMPLES, 'data/glue/mnli'), split: 'validation_matched', adapter: 'mnli' })).items;
  assert.equal((mnli[0] as MultipleChoiceItem).context, 'The new rights are nice enough\nQuestion: Everyone really likes the newest benefits. True, False or Neither?\nAnswer:');
  assert.deepEqual((mnli[2] as MultipleChoiceItem).choices, ['True', 'Neither', 'False']);
  const qnli = (await loadDataset({ path: join(EXAMPLES, 'data/glue/qnli'), split: 'validation', adapter: 'qnli' })).items[1] as MultipleChoiceItem;
  assert.deepEqual([qnli.choices, qnli.gold], [['yes', 'no'], 1]);
  const boolq = (await loadDataset({ path: join(EXAMPLES, 'data/super_glue/boolq/validation.json'), adapter: 'boolq' })).items[1] as MultipleChoiceItem;
  assert.match(boolq.context, /\nQuestion: can penguins fly\?\nAnswer:$/);
  assert.deepEqual([boolq.choices, boolq.gold], [['no', 'yes'], 0]);
  const rte = (await loadDataset({ path: join(EXAMPLES, 'data/super_glue/rte'), split: 'validation', adapter: 'rte' })).items[0] as MultipleChoiceItem;
  assert.equal(rte.context, 'The bridge was completed in 1932 and connects the two halves of the city.\nQuestion: The bridge was finished in the 1930s. True or False?\nAnswer:');
  assert.deepEqual([rte.choices, rte.gold], [['True', 'False'], 0]);
  // BoolQ from google/boolq carries a boolean "answer"; GLUE RTE names its fields sentence1/2.
  assert.equal((toItem(record({ passage: 'p', question: 'q', answer: true }), { path: '', adapter: 'boolq' }, 0) as MultipleChoiceItem).gold, 1);
  assert.match((toItem(record({ sentence1: 'a', sentence2: 'b', label: 1 }), { path: '', adapter: 'rte' }, 0) as MultipleChoiceItem).context, /^a\nQuestion: b True/);
});

test('SQuAD, summarization and translation adapters make generation items with references', async () => {
  const squad = (await loadDataset({ path: join(EXAMPLES, 'data/squad/dev-v1.1.json'), adapter: 'squad' })).items as GenerationItem[];
  assert.equal(squad.length, 6);
  assert.equal(squad[0]!.id, 'ss-001');
  assert.deepEqual(squad[0]!.references, ['4.6 billion years ago', '4.6 billion years']);
  assert.match(squad[0]!.context, /^Title: Solar_System\n\nBackground: The Solar System formed .*\n\nQuestion: How long ago did the Solar System form\?\n\nAnswer:$/s);
  const summaries = (await loadDataset({ path: join(EXAMPLES, 'data/summarization'), split: 'test', adapter: 'summarization' })).items as GenerationItem[];
  assert.equal(summaries[1]!.references[0], 'A year-long study of 2,000 adults found daily walks improve sleep.\nWalkers also felt less stressed.');
  assert.equal(summaries[1]!.input.document.includes('\n'), true);
  const translations = (await loadDataset({ path: join(EXAMPLES, 'data/translation'), split: 'test', adapter: 'translation', sourceLanguage: 'de', targetLanguage: 'en' })).items as GenerationItem[];
  assert.equal(translations[0]!.context, 'German phrase: Das Haus ist klein, aber gemütlich.\nEnglish phrase:');
  assert.deepEqual(translations[0]!.references, ['The house is small but cosy.']);
  const flat = toItem(record({ source: 'Hallo', references: ['Hello', 'Hi'] }), { path: '', adapter: 'translation' }, 0) as GenerationItem;
  assert.deepEqual([flat.context, flat.references], ['Source phrase: Hallo\nTarget phrase:', ['Hello', 'Hi']]);
  const text = (await loadDataset({ path: join(EXAMPLES, 'data/text'), split: 'test', adapter: 'text' })).items as TextItem[];
  assert.equal(text[3]!.text.includes('雲の上'), true);
});

test('field mapping: paths, list gathering, and errors that name the record line', () => {
  const csvRow = record({ Question: 'Q?', A: 'w', B: 'x', C: 'y', D: 'z', Answer: 'C', meta: { tags: ['t0', 't1'] } });
  const mapped = applyFieldMapping(csvRow, { question: 'Question', choices: ['A', 'B', 'C', 'D'], answer: 'Answer', tag: 'meta.tags[1]' });
  assert.deepEqual([mapped.question, mapped.choices, mapped.answer, mapped.tag], ['Q?', ['w', 'x', 'y', 'z'], 'C', 't1']);
  const item = toItem(csvRow, { path: '', adapter: 'mmlu', fields: { question: 'Question', choices: ['A', 'B', 'C', 'D'], answer: 'Answer' } }, 0) as MultipleChoiceItem;
  assert.equal(item.gold, 2, 'letter answers (original MMLU CSV) become indices');
  assert.throws(
    () => applyFieldMapping(csvRow, { question: 'Prompt' }),
    (e: unknown) => isInputError(e) && e.line === 7 && e.file === '/data/x.jsonl' && /line 7 has no field "Prompt" \(mapped to "question"\)/.test(e.message),
  );
});

test('adapter errors name the file, the record line and the missing or bad field', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['mmlu', { question: 'q', choices: ['a', 'b'] }, /no "answer" field \(looked for "answer"/],
    ['mmlu', { question: 'q', choices: ['a', 'b'], answer: 5 }, /"answer" is 5, outside the 2 choices/],
    ['mmlu', { question: 'q', choices: 'a b', answer: 0 }, /must be a list of texts/],
    ['sst2', { sentence: 's', label: -1 }, /-1 marks an unlabelled test example/],
    ['squad', { context: 'c', question: 'q', answers: { text: [], answer_start: [] } }, /no gold answers/],
    ['translation', { translation: { de: 'a', en: 'b' } }, /names no languages/],
    ['hellaswag', { endings: ['a', 'b'], label: '0' }, /no "ctx" field/],
  ];
  for (const [adapter, fields, pattern] of cases) {
    assert.throws(
      () => toItem(record(fields, 12), { path: '', adapter: adapter as never }, 0),
      (e: unknown) => isInputError(e) && e.line === 12 && /x\.jsonl:12: the record at line 12/.test(e.message) && pattern.test(e.message),
      `${adapter} ${JSON.stringify(fields)}`,
    );
  }
  // A JSON-encoded list in a CSV cell is accepted.
  assert.deepEqual((toItem(record({ question: 'q', choices: '["a", "b"]', answer: '1' }), { path: '', adapter: 'multiple_choice' }, 0) as MultipleChoiceItem).choices, ['a', 'b']);
  assert.equal(Object.keys(ADAPTERS).length, 13);
});
