/**
 * Built-in adapters: they turn the records of well-known benchmark formats into QuantLens items,
 * with lm-evaluation-harness's default prompts (doc_to_text / doc_to_choice / doc_to_target of its
 * mmlu, hellaswag, glue and super_glue tasks) so numbers line up with the harness's zero-shot ones.
 * Source fields are looked up under the names the Hugging Face datasets use, with common aliases.
 */
import { DatasetRecord, describeSource, isPlainObject } from './records';
import { getField, hasField } from './fields';
import { InputError } from '../../shared/errors';

export type TaskKind = 'multiple_choice' | 'generation' | 'perplexity';

export type AdapterName =
  | 'mmlu'
  | 'hellaswag'
  | 'sst2'
  | 'mnli'
  | 'qnli'
  | 'boolq'
  | 'rte'
  | 'squad'
  | 'summarization'
  | 'translation'
  | 'multiple_choice'
  | 'generation'
  | 'text';

/** What an adapter makes of one record (before ids, keys and templates). */
export type AdaptedRecord =
  | {
      kind: 'multiple_choice';
      /** Canonical fields, for templates. */
      fields: Record<string, unknown>;
      /** The default prompt (lm-eval doc_to_text), without few-shot examples. */
      context: string;
      /** The continuations scored, without the target delimiter (lm-eval doc_to_choice). */
      choices: string[];
      gold: number | number[];
      /** A task-level prefix (lm-eval `description`), e.g. MMLU's subject line. */
      description?: string;
    }
  | {
      kind: 'generation';
      fields: Record<string, unknown>;
      context: string;
      /** The fields the prompt is made of (document, source, question, context, …). */
      input: Record<string, string>;
      references: string[];
      description?: string;
    }
  | { kind: 'perplexity'; fields: Record<string, unknown>; text: string };

export interface AdapterOptions {
  /** translation: the source and target language codes when records are {translation: {de, en}}. */
  sourceLanguage?: string;
  targetLanguage?: string;
}

export interface DatasetAdapter {
  name: AdapterName;
  kind: TaskKind;
  /** One line for help texts. */
  summary: string;
  /** Canonical field → source names tried in order. */
  fields: Record<string, readonly string[]>;
  /** Metrics the adapter's task reports unless the task file lists others. */
  defaultMetrics: readonly string[];
  /** generation: stop sequences unless the task file gives its own. */
  stop?: readonly string[];
  adapt(record: DatasetRecord, fields: Record<string, unknown>, options: AdapterOptions): AdaptedRecord;
}

/** A field problem in one record, reported with the record's line or row. */
function recordError(record: DatasetRecord, problem: string, remedy = 'Map the field with dataset.fields in the task file, or fix the record.'): InputError {
  return new InputError(record.source.file, `the record at ${describeSource(record.source)}: ${problem}`, remedy, record.source.line);
}

/** The first of `names` the record has. */
function pick(record: DatasetRecord, fields: Record<string, unknown>, canonical: string, names: readonly string[], optional = false): unknown {
  for (const name of names) if (hasField(fields, name)) return getField(fields, name);
  if (optional) return undefined;
  throw recordError(
    record,
    `no "${canonical}" field (looked for ${names.map((n) => `"${n}"`).join(', ')}; the record has ${Object.keys(fields).join(', ') || 'no fields'}).`,
    `Map it with dataset.fields in the task file, e.g. fields: {${canonical}: <your field>}.`,
  );
}

function asText(record: DatasetRecord, canonical: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw recordError(record, `"${canonical}" must be text, not ${describe(value)}.`);
}

function asTextList(record: DatasetRecord, canonical: string, value: unknown): string[] {
  if (typeof value === 'string') {
    // A list stored as JSON text (CSV cells).
    const trimmed = value.trim();
    if (trimmed.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        if (Array.isArray(parsed)) return asTextList(record, canonical, parsed);
      } catch {
        // fall through to the error below
      }
    }
    throw recordError(record, `"${canonical}" must be a list of texts, not a single text.`, 'Give a list, a JSON array in a CSV cell, or map several columns: fields: {choices: [A, B, C, D]}.');
  }
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    return Array.from(value as ArrayLike<unknown>, (v, i) => asText(record, `${canonical}[${i}]`, v));
  }
  throw recordError(record, `"${canonical}" must be a list of texts, not ${describe(value)}.`);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * A gold answer as a choice index: an integer, a numeric string, a letter A–Z (original MMLU CSVs),
 * a boolean (BoolQ's `answer`: false → 0 "no", true → 1 "yes"), or the text of one of the choices.
 */
function asGold(record: DatasetRecord, canonical: string, value: unknown, count: number, choiceTexts?: readonly string[]): number {
  let index: number | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) index = value;
  else if (typeof value === 'boolean') index = value ? 1 : 0;
  else if (typeof value === 'string') {
    const t = value.trim();
    if (/^-?\d+$/.test(t)) index = Number(t);
    else if (/^[A-Z]$/.test(t)) index = LETTERS.indexOf(t);
    else if (choiceTexts?.includes(value)) index = choiceTexts.indexOf(value);
    else if (t.toLowerCase() === 'true' || t.toLowerCase() === 'false') index = t.toLowerCase() === 'true' ? 1 : 0;
  }
  if (index === undefined) throw recordError(record, `"${canonical}" must be a choice index (0–${count - 1}), a letter or a choice's text, not ${describe(value)}.`);
  if (index < 0 || index >= count) {
    throw recordError(
      record,
      `"${canonical}" is ${index}, outside the ${count} choices (0–${count - 1})${index === -1 ? '; -1 marks an unlabelled test example (GLUE test splits have no labels)' : ''}.`,
      'Use a split with labels (e.g. validation), or fix the record.',
    );
  }
  return index;
}

/** Python str.capitalize(): first character upper case, the rest lower case. */
function capitalize(text: string): string {
  const chars = Array.from(text);
  return chars.length ? chars[0]!.toUpperCase() + chars.slice(1).join('').toLowerCase() : '';
}

/** lm-eval hellaswag `preprocess`. */
function hellaswagPreprocess(text: string): string {
  let t = text.trim();
  t = t.split(' [title]').join('. ');
  t = t.replace(/\[.*?\]/g, '');
  t = t.split('  ').join(' ');
  return t;
}

function mc(
  fields: Record<string, unknown>,
  context: string,
  choices: string[],
  gold: number,
  description?: string,
): AdaptedRecord {
  return description === undefined ? { kind: 'multiple_choice', fields, context, choices, gold } : { kind: 'multiple_choice', fields, context, choices, gold, description };
}

/** A two- or three-way classification task in lm-eval's GLUE/SuperGLUE style. */
function classification(
  name: AdapterName,
  summary: string,
  fieldNames: Record<string, readonly string[]>,
  labels: readonly string[],
  text: (f: Record<string, string>) => string,
): DatasetAdapter {
  return {
    name,
    kind: 'multiple_choice',
    summary,
    fields: fieldNames,
    defaultMetrics: ['acc'],
    adapt(record, fields) {
      const canonical: Record<string, string> = {};
      for (const [key, names] of Object.entries(fieldNames)) {
        if (key === 'label') continue;
        canonical[key] = asText(record, key, pick(record, fields, key, names));
      }
      const gold = asGold(record, 'label', pick(record, fields, 'label', fieldNames.label!), labels.length, labels);
      return mc({ ...canonical, label: gold }, text(canonical), [...labels], gold);
    },
  };
}

const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English', de: 'German', fr: 'French', es: 'Spanish', it: 'Italian', pt: 'Portuguese', ro: 'Romanian',
  cs: 'Czech', ru: 'Russian', zh: 'Chinese', ja: 'Japanese', ko: 'Korean', fi: 'Finnish', tr: 'Turkish',
  et: 'Estonian', lv: 'Latvian', lt: 'Lithuanian', hi: 'Hindi', gu: 'Gujarati', kk: 'Kazakh', uk: 'Ukrainian', pl: 'Polish', nl: 'Dutch', ar: 'Arabic',
};

export const ADAPTERS: Record<AdapterName, DatasetAdapter> = {
  mmlu: {
    name: 'mmlu',
    kind: 'multiple_choice',
    summary: 'MMLU (cais/mmlu): question, choices[4], answer index; scored on the letters A–D as lm-evaluation-harness does.',
    fields: { question: ['question'], choices: ['choices'], answer: ['answer'], subject: ['subject'] },
    defaultMetrics: ['acc', 'acc_norm'],
    adapt(record, fields) {
      const question = asText(record, 'question', pick(record, fields, 'question', this.fields.question!));
      const choices = asTextList(record, 'choices', pick(record, fields, 'choices', this.fields.choices!));
      if (choices.length < 2 || choices.length > LETTERS.length) throw recordError(record, `"choices" has ${choices.length} entries; MMLU needs 2–26.`);
      const answer = asGold(record, 'answer', pick(record, fields, 'answer', this.fields.answer!), choices.length, choices);
      const subject = pick(record, fields, 'subject', this.fields.subject!, true);
      const letters = choices.map((_, i) => LETTERS[i]!);
      // lm-eval mmlu default: "{{question.strip()}}\nA. {{choices[0]}}\n…\nAnswer:" scored on " A" … " D".
      const context = `${question.trim()}\n${choices.map((c, i) => `${letters[i]}. ${c}`).join('\n')}\nAnswer:`;
      const description =
        typeof subject === 'string' && subject ? `The following are multiple choice questions (with answers) about ${subject.replace(/_/g, ' ')}.\n\n` : undefined;
      return mc({ question, choices, answer, ...(typeof subject === 'string' ? { subject } : {}) }, context, letters, answer, description);
    },
  },
  hellaswag: {
    name: 'hellaswag',
    kind: 'multiple_choice',
    summary: 'HellaSwag (Rowan/hellaswag): ctx (or activity_label + ctx_a + ctx_b), endings[4], label; lm-eval preprocessing.',
    fields: { ctx: ['ctx'], ctx_a: ['ctx_a'], ctx_b: ['ctx_b'], activity_label: ['activity_label'], endings: ['endings'], label: ['label'] },
    defaultMetrics: ['acc', 'acc_norm'],
    adapt(record, fields) {
      const endings = asTextList(record, 'endings', pick(record, fields, 'endings', this.fields.endings!)).map(hellaswagPreprocess);
      const label = asGold(record, 'label', pick(record, fields, 'label', this.fields.label!), endings.length);
      const ctxA = pick(record, fields, 'ctx_a', this.fields.ctx_a!, true);
      const ctxB = pick(record, fields, 'ctx_b', this.fields.ctx_b!, true);
      const activity = pick(record, fields, 'activity_label', this.fields.activity_label!, true);
      let ctx: string;
      if (typeof ctxA === 'string' && typeof ctxB === 'string') ctx = `${ctxA} ${capitalize(ctxB)}`;
      else ctx = asText(record, 'ctx', pick(record, fields, 'ctx', this.fields.ctx!));
      // lm-eval hellaswag _process_doc: query = preprocess(activity_label + ": " + ctx)
      const query = hellaswagPreprocess(typeof activity === 'string' && activity ? `${activity}: ${ctx}` : ctx);
      return mc({ query, ctx, endings, label }, query, endings, label);
    },
  },
  sst2: classification(
    'sst2',
    'GLUE SST-2: sentence, label (0 negative, 1 positive).',
    { sentence: ['sentence', 'text'], label: ['label'] },
    ['negative', 'positive'],
    (f) => `${f.sentence}\nQuestion: Is this sentence positive or negative?\nAnswer:`,
  ),
  mnli: classification(
    'mnli',
    'GLUE MNLI: premise, hypothesis, label (0 entailment, 1 neutral, 2 contradiction).',
    { premise: ['premise'], hypothesis: ['hypothesis'], label: ['label'] },
    ['True', 'Neither', 'False'],
    (f) => {
      const h = f.hypothesis!.trim();
      return `${f.premise}\nQuestion: ${h}${h.endsWith('.') ? '' : '.'} True, False or Neither?\nAnswer:`;
    },
  ),
  qnli: classification(
    'qnli',
    'GLUE QNLI: question, sentence, label (0 entailment, 1 not entailment).',
    { question: ['question'], sentence: ['sentence'], label: ['label'] },
    ['yes', 'no'],
    (f) => `${f.question}\n${f.sentence}\nQuestion: Does this response answer the question?\nAnswer:`,
  ),
  boolq: classification(
    'boolq',
    'SuperGLUE BoolQ: passage, question, label (0 false, 1 true) or answer (bool).',
    { passage: ['passage'], question: ['question'], label: ['label', 'answer'] },
    ['no', 'yes'],
    (f) => `${f.passage}\nQuestion: ${f.question}?\nAnswer:`,
  ),
  rte: classification(
    'rte',
    'SuperGLUE/GLUE RTE: premise (sentence1), hypothesis (sentence2), label (0 entailment, 1 not entailment).',
    { premise: ['premise', 'sentence1'], hypothesis: ['hypothesis', 'sentence2'], label: ['label'] },
    ['True', 'False'],
    (f) => `${f.premise}\nQuestion: ${f.hypothesis} True or False?\nAnswer:`,
  ),
  squad: {
    name: 'squad',
    kind: 'generation',
    summary: 'SQuAD-style extractive QA: context, question, answers {text[]} (or answers as a list of texts); EM and F1.',
    fields: { context: ['context'], question: ['question'], answers: ['answers.text', 'answers', 'answer'], title: ['title'] },
    defaultMetrics: ['exact_match', 'f1'],
    stop: ['\n'],
    adapt(record, fields) {
      const context = asText(record, 'context', pick(record, fields, 'context', this.fields.context!));
      const question = asText(record, 'question', pick(record, fields, 'question', this.fields.question!));
      const raw = pick(record, fields, 'answers', this.fields.answers!);
      const references = typeof raw === 'string' ? [raw] : asTextList(record, 'answers', raw);
      if (references.length === 0) {
        throw recordError(record, 'has no gold answers (an unanswerable SQuAD 2.0 question?).', 'Use SQuAD v1.1-style data where every question has an answer, or drop such records.');
      }
      const title = pick(record, fields, 'title', this.fields.title!, true);
      const heading = typeof title === 'string' && title ? `Title: ${title}\n\n` : '';
      // lm-eval squadv2 doc_to_text.
      const prompt = `${heading}Background: ${context}\n\nQuestion: ${question}\n\nAnswer:`;
      return { kind: 'generation', fields: { context, question, answers: references, ...(typeof title === 'string' ? { title } : {}) }, context: prompt, input: { context, question }, references };
    },
  },
  summarization: {
    name: 'summarization',
    kind: 'generation',
    summary: 'Summarization: document (article, text, dialogue), summary (highlights, abstract); ROUGE.',
    fields: { document: ['document', 'article', 'text', 'dialogue'], summary: ['summary', 'highlights', 'abstract', 'summaries'] },
    defaultMetrics: ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'],
    stop: ['\n\n'],
    adapt(record, fields) {
      const document = asText(record, 'document', pick(record, fields, 'document', this.fields.document!));
      const raw = pick(record, fields, 'summary', this.fields.summary!);
      const references = typeof raw === 'string' ? [raw] : asTextList(record, 'summary', raw);
      return { kind: 'generation', fields: { document, summary: references[0] ?? '', summaries: references }, context: `Summarize the following text.\n\n${document}\n\nSummary:`, input: { document }, references };
    },
  },
  translation: {
    name: 'translation',
    kind: 'generation',
    summary: 'Translation: source, reference (or references), or WMT-style translation {<src>: …, <tgt>: …} with source/target languages.',
    fields: { source: ['source', 'src'], reference: ['reference', 'references', 'target', 'tgt'], translation: ['translation'] },
    defaultMetrics: ['bleu', 'chrf', 'chrf++'],
    stop: ['\n'],
    adapt(record, fields, options) {
      let source: string;
      let references: string[];
      const pair = pick(record, fields, 'translation', this.fields.translation!, true);
      if (isPlainObject(pair) && !hasField(fields, 'source') && !hasField(fields, 'src')) {
        const src = options.sourceLanguage;
        const tgt = options.targetLanguage;
        if (!src || !tgt) {
          throw recordError(record, `holds a "translation" pair (${Object.keys(pair).join(', ')}) but the task names no languages.`, 'Set dataset.source_language and dataset.target_language in the task file (e.g. de and en).');
        }
        source = asText(record, `translation.${src}`, pick(record, fields, `translation.${src}`, [`translation.${src}`]));
        references = [asText(record, `translation.${tgt}`, pick(record, fields, `translation.${tgt}`, [`translation.${tgt}`]))];
      } else {
        source = asText(record, 'source', pick(record, fields, 'source', this.fields.source!));
        const raw = pick(record, fields, 'reference', this.fields.reference!);
        references = typeof raw === 'string' ? [raw] : asTextList(record, 'reference', raw);
      }
      const from = options.sourceLanguage ? (LANGUAGE_NAMES[options.sourceLanguage] ?? options.sourceLanguage) : 'Source';
      const to = options.targetLanguage ? (LANGUAGE_NAMES[options.targetLanguage] ?? options.targetLanguage) : 'Target';
      // lm-eval's wmt/iwslt prompt: "<Source language> phrase: <src>\n<Target language> phrase:"
      return { kind: 'generation', fields: { source, reference: references[0] ?? '', references }, context: `${from} phrase: ${source}\n${to} phrase:`, input: { source }, references };
    },
  },
  multiple_choice: {
    name: 'multiple_choice',
    kind: 'multiple_choice',
    summary: 'Any multiple-choice data: question (or context, prompt), choices[], answer (index, letter or choice text).',
    fields: { question: ['question', 'context', 'prompt', 'query'], choices: ['choices', 'options', 'endings'], answer: ['answer', 'label', 'gold'] },
    defaultMetrics: ['acc', 'acc_norm'],
    adapt(record, fields) {
      const question = asText(record, 'question', pick(record, fields, 'question', this.fields.question!));
      const choices = asTextList(record, 'choices', pick(record, fields, 'choices', this.fields.choices!));
      if (choices.length < 2) throw recordError(record, `"choices" has ${choices.length} entries; multiple choice needs at least 2.`);
      const answer = asGold(record, 'answer', pick(record, fields, 'answer', this.fields.answer!), choices.length, choices);
      return mc({ ...fields, question, choices, answer }, question, choices, answer);
    },
  },
  generation: {
    name: 'generation',
    kind: 'generation',
    summary: 'Any generation data: prompt (or input, question), references (or reference, target, answer).',
    fields: { prompt: ['prompt', 'input', 'question'], references: ['references', 'reference', 'target', 'answer', 'answers'] },
    defaultMetrics: ['exact_match'],
    adapt(record, fields) {
      const prompt = asText(record, 'prompt', pick(record, fields, 'prompt', this.fields.prompt!));
      const raw = pick(record, fields, 'references', this.fields.references!);
      const references = typeof raw === 'string' ? [raw] : asTextList(record, 'references', raw);
      return { kind: 'generation', fields: { ...fields, prompt, references }, context: prompt, input: { prompt }, references };
    },
  },
  text: {
    name: 'text',
    kind: 'perplexity',
    summary: 'Plain documents for perplexity: text (or document, content, page).',
    fields: { text: ['text', 'document', 'content', 'page'] },
    defaultMetrics: ['word_perplexity', 'byte_perplexity', 'bits_per_byte'],
    adapt(record, fields) {
      const text = asText(record, 'text', pick(record, fields, 'text', this.fields.text!));
      return { kind: 'perplexity', fields: { ...fields, text }, text };
    },
  },
};

export const ADAPTER_NAMES = Object.keys(ADAPTERS) as AdapterName[];

/** The adapter a task of this kind uses when the task file names none. */
export function defaultAdapter(kind: TaskKind): AdapterName {
  return kind === 'perplexity' ? 'text' : kind;
}
