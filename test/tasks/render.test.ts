import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { isInputError } from '../../src/shared/errors';
import { loadDataset } from '../../src/worker/datasets/load';
import { loadTaskFile, parseTaskFile } from '../../src/worker/tasks/loadTaskFile';
import { ChatMessage, GenerationPrompt, MultipleChoicePrompt, PerplexityPrompt, prepareTask, renderPrompts } from '../../src/worker/tasks/render';
import { readdirSync } from 'node:fs';
import { EXAMPLES } from '../datasets/paths';

const task = (file: string) => loadTaskFile(join(EXAMPLES, file))[0]!;

test('every example task renders a prompt for each of its items', async () => {
  const files = readdirSync(EXAMPLES).filter((f) => /\.quantlens\.(yaml|json)$/.test(f));
  const counts: Record<string, number> = {};
  for (const f of files) {
    const prepared = await prepareTask(task(f));
    counts[prepared.task.name] = prepared.prompts.length;
    for (const p of prepared.prompts) {
      if (p.kind === 'multiple_choice') assert.ok(p.context.length > 0 && p.continuations.length >= 2);
      if (p.kind === 'generation') assert.ok(p.prompt.length > 0 && p.references.length > 0);
      if (p.kind === 'perplexity') assert.ok(p.text.length > 0);
    }
  }
  assert.deepEqual(counts, {
    'mnli-sample': 6, 'qnli-sample': 6, 'sst2-sample': 8, 'hellaswag-sample': 6, 'mmlu-sample': 8,
    'perplexity-sample': 4, 'squad-sample': 6, 'summarization-sample': 4, 'boolq-sample': 5, 'rte-sample': 5, 'translation-sample': 5,
    'code-python': 8, 'code-javascript': 7,
  });
});

test('MMLU 2-shot prompt: description, examples with their answers, the question; continuations " A"…" D"', async () => {
  const { prompts, fewshot } = await prepareTask(task('mmlu.quantlens.yaml'));
  const p = prompts[0] as MultipleChoicePrompt;
  assert.equal(p.fewshot.length, 2);
  const byId = new Map(fewshot!.items.map((i) => [i.id, i]));
  const shot = (id: string): string => {
    const ex = byId.get(id)! as { context: string; gold: number };
    return `${ex.context} ${'ABCD'[ex.gold]}\n\n`;
  };
  assert.equal(
    p.context,
    'The following are multiple choice questions (with answers) about elementary mathematics.\n\n' +
      shot(p.fewshot[0]!) + shot(p.fewshot[1]!) +
      'What is the value of 7 × 8?\nA. 54\nB. 56\nC. 58\nD. 64\nAnswer:',
  );
  assert.deepEqual(p.continuations, [' A', ' B', ' C', ' D']);
  assert.deepEqual(p.choices, ['A', 'B', 'C', 'D']);
  assert.equal(p.gold, 1);
});

test('few-shot selection is seeded by item content: independent of order and limit, never the item itself', async () => {
  const t = task('hellaswag.quantlens.yaml');
  const ds = await loadDataset(t.dataset);
  const pool = (await loadDataset({ ...t.dataset, split: 'train' })).items;
  const all = renderPrompts(t, ds.items, pool);
  const reversed = renderPrompts(t, [...ds.items].reverse(), pool).reverse();
  assert.deepEqual(all.map((p) => p.fewshot), reversed.map((p) => p.fewshot));
  assert.deepEqual(renderPrompts(t, ds.items.slice(3, 4), pool)[0]!.fewshot, all[3]!.fewshot);
  const otherSeed = renderPrompts({ ...t, fewshot: { ...t.fewshot!, seed: 99 } }, ds.items, pool);
  assert.notDeepEqual(otherSeed.map((p) => p.fewshot), all.map((p) => p.fewshot));
  // Few-shot from the evaluated split itself: the item is never its own example.
  const selfShot = renderPrompts({ ...t, fewshot: { split: 'validation', k: 5, seed: 1 } }, ds.items, ds.items);
  selfShot.forEach((p, i) => {
    assert.equal(p.fewshot.length, 5);
    assert.ok(!p.fewshot.includes(ds.items[i]!.id));
  });
});

test('template, choices and target from the task file (Jinja) replace the adapter defaults', async () => {
  const qnli = (await prepareTask(task('glue-qnli.quantlens.yaml'))).prompts[0] as MultipleChoicePrompt;
  assert.equal(qnli.context, 'What is the boiling point of water at sea level?\nAt sea level, water boils at 100 degrees Celsius.\nQuestion: Does this response answer the question?\nAnswer:');
  assert.deepEqual([qnli.continuations, qnli.gold], [[' yes', ' no'], 0]);
  const [custom] = parseTaskFile(join(EXAMPLES, 'custom.quantlens.yaml'), `name: c
type: multiple_choice
dataset: {path: data/mmlu, split: test, adapter: mmlu}
description: "Quiz ({{ subject }}):\\n"
template: "Q: {{ question.strip() }}\\nA:"
choices: choices
target: "{{ choices[answer] }}"
target_delimiter: "  "
limit: 2
`);
  const prompts = (await prepareTask(custom!)).prompts as MultipleChoicePrompt[];
  assert.equal(prompts.length, 2);
  assert.equal(prompts[0]!.context, 'Quiz (elementary_mathematics):\nQ: What is the value of 7 × 8?\nA:');
  assert.deepEqual(prompts[0]!.continuations, ['  54', '  56', '  58', '  64']);
  assert.equal(prompts[0]!.gold, 1, 'a target that renders a choice text becomes its index');
  const [bad] = parseTaskFile(join(EXAMPLES, 'bad.quantlens.yaml'), 'name: b\ntype: multiple_choice\ndataset: {path: data/mmlu, split: test, adapter: mmlu}\ntarget: "{{ subject }}"\n');
  await assert.rejects(prepareTask(bad!), (e: unknown) => isInputError(e) && e.line === 1 && /test-00000-of-00001\.parquet row 1/.test(e.message) && /neither a choice index/.test(e.message));
});

test('generation and perplexity prompts: references, stop sequences, token budget, plain texts', async () => {
  const squad = (await prepareTask(task('squad.quantlens.yaml'))).prompts as GenerationPrompt[];
  const first = squad[0]!;
  assert.deepEqual([first.stop, first.maxNewTokens, first.references], [['\n'], 16, ['4.6 billion years ago', '4.6 billion years']]);
  assert.equal(first.fewshot.length, 1);
  assert.ok(!first.fewshot.includes(first.id));
  assert.match(first.prompt, /Answer: [^\n]+\n\nTitle: Solar_System\n\nBackground: The Solar System formed/);
  assert.ok(first.prompt.endsWith('Question: How long ago did the Solar System form?\n\nAnswer:'));
  const texts = (await prepareTask(task('perplexity.quantlens.yaml'))).prompts as PerplexityPrompt[];
  assert.equal(texts[0]!.text, 'The river runs through the old town and under seven stone bridges before it reaches the sea.');
  assert.deepEqual([texts[0]!.words, texts[0]!.bytes], [17, 92]);
  // "Über … 雲の上はいつも晴れ。 Above …": bytes count UTF-8 (Ü 2, each CJK character 3).
  assert.equal(texts[3]!.bytes, Buffer.byteLength(texts[3]!.text, 'utf8'));
});

test('use_chat_template: few-shot examples become turns through the tokenizer template; without one it is an error', async () => {
  const t = { ...task('mmlu.quantlens.yaml'), useChatTemplate: true, systemPrompt: 'Answer with a letter.' };
  const seen: ChatMessage[][] = [];
  const apply = (messages: ChatMessage[]): string => {
    seen.push(messages);
    return messages.map((m) => `<|${m.role}|>${m.content}`).join('') + '<|assistant|>';
  };
  const p = (await prepareTask(t, { applyChatTemplate: apply, limit: 1 })).prompts[0] as MultipleChoicePrompt;
  assert.deepEqual(seen[0]!.map((m) => m.role), ['system', 'user', 'assistant', 'user', 'assistant', 'user']);
  assert.ok(seen[0]![0]!.content.startsWith('Answer with a letter.\n\nThe following are multiple choice questions'));
  assert.match(seen[0]![2]!.content, /^[ABCD]$/);
  assert.ok(p.context.endsWith('Answer:<|assistant|>'));
  assert.deepEqual(p.continuations, ['A', 'B', 'C', 'D'], 'no delimiter after the assistant prompt');
  await assert.rejects(prepareTask(t), (e: unknown) => isInputError(e) && /has no chat template/.test(e.message) && e.line === 5);
});

test('few-shot k larger than the few-shot split is an error on the task line', async () => {
  const t = task('hellaswag.quantlens.yaml');
  await assert.rejects(prepareTask({ ...t, fewshot: { split: 'train', k: 4, seed: 1 } }), (e: unknown) => isInputError(e) && /asks for 4 few-shot examples, but the "train" split has 3 records/.test(e.message));
});
