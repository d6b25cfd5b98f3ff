/**
 * The Parquet files under examples/tasks/data, as authored rows. They are committed, and
 * test/datasets/examples.test.ts checks each committed file is byte-for-byte what
 * parquetWriter.ts makes of these rows; run it with QUANTLENS_WRITE_EXAMPLES=1 to (re)write them.
 * The layouts are those of the Hugging Face Hub: mmlu/<config>/<split>-00000-of-00001.parquet and
 * <dataset>/data/<split>-00000-of-00001.parquet. Between them they use snappy, zstd and gzip pages.
 */
import { ParquetCodec, ParquetColumn } from './parquetWriter';

export interface ExampleParquet {
  /** Relative to examples/tasks. */
  path: string;
  codec: ParquetCodec;
  columns: ParquetColumn[];
}

interface McRow {
  question: string;
  subject: string;
  choices: [string, string, string, string];
  answer: number;
}

const MMLU_TEST: McRow[] = [
  { question: 'What is the value of 7 × 8?', subject: 'elementary_mathematics', choices: ['54', '56', '58', '64'], answer: 1 },
  { question: 'Which of these numbers is prime?', subject: 'elementary_mathematics', choices: ['21', '27', '29', '33'], answer: 2 },
  { question: 'What is 15% of 200?', subject: 'elementary_mathematics', choices: ['15', '20', '30', '35'], answer: 2 },
  { question: 'Which river flows through Cairo?', subject: 'high_school_geography', choices: ['The Nile', 'The Amazon', 'The Danube', 'The Ganges'], answer: 0 },
  { question: 'Which is the largest ocean on Earth?', subject: 'high_school_geography', choices: ['The Atlantic Ocean', 'The Indian Ocean', 'The Arctic Ocean', 'The Pacific Ocean'], answer: 3 },
  { question: 'What gas do plants mainly take in for photosynthesis?', subject: 'high_school_biology', choices: ['Oxygen', 'Carbon dioxide', 'Nitrogen', 'Helium'], answer: 1 },
  { question: 'Which organelle is known as the powerhouse of the cell?', subject: 'high_school_biology', choices: ['Nucleus', 'Ribosome', 'Mitochondrion', 'Golgi apparatus'], answer: 2 },
  { question: 'In computing, how many bits are in one byte?', subject: 'computer_security', choices: ['4', '8', '16', '32'], answer: 1 },
];

const MMLU_DEV: McRow[] = [
  { question: 'What is 9 + 6?', subject: 'elementary_mathematics', choices: ['13', '14', '15', '16'], answer: 2 },
  { question: 'What is the capital of Japan?', subject: 'high_school_geography', choices: ['Osaka', 'Kyoto', 'Tokyo', 'Nagoya'], answer: 2 },
  { question: 'Which blood cells carry oxygen?', subject: 'high_school_biology', choices: ['Red blood cells', 'White blood cells', 'Platelets', 'Plasma cells'], answer: 0 },
  { question: 'Which of these is a strong password practice?', subject: 'computer_security', choices: ['Reusing one password everywhere', 'Using a long unique passphrase', 'Writing it on the screen', 'Using "password"'], answer: 1 },
  { question: 'What is 100 divided by 4?', subject: 'elementary_mathematics', choices: ['20', '25', '30', '40'], answer: 1 },
];

function mmluColumns(rows: McRow[]): ParquetColumn[] {
  return [
    { name: 'question', type: 'string', values: rows.map((r) => r.question) },
    { name: 'subject', type: 'string', values: rows.map((r) => r.subject) },
    { name: 'choices', type: 'string-list', values: rows.map((r) => [...r.choices]) },
    { name: 'answer', type: 'int64', values: rows.map((r) => r.answer) },
  ];
}

const QNLI_VALIDATION = [
  { question: 'What is the boiling point of water at sea level?', sentence: 'At sea level, water boils at 100 degrees Celsius.', label: 0 },
  { question: 'Who painted the Mona Lisa?', sentence: 'The painting hangs in the Louvre in Paris.', label: 1 },
  { question: 'How many legs does a spider have?', sentence: 'Spiders have eight legs and most have eight eyes.', label: 0 },
  { question: 'When did the first person walk on the Moon?', sentence: 'The Moon is Earth\u2019s only natural satellite.', label: 1 },
  { question: 'What language is spoken in Brazil?', sentence: 'Portuguese is the official and most widely spoken language of Brazil.', label: 0 },
  { question: 'What is the tallest animal?', sentence: 'Elephants are the largest land animals by weight.', label: 1 },
];

export const EXAMPLE_PARQUET: ExampleParquet[] = [
  { path: 'data/mmlu/all/test-00000-of-00001.parquet', codec: 'SNAPPY', columns: mmluColumns(MMLU_TEST) },
  { path: 'data/mmlu/all/dev-00000-of-00001.parquet', codec: 'ZSTD', columns: mmluColumns(MMLU_DEV) },
  {
    path: 'data/glue/qnli/data/validation-00000-of-00001.parquet',
    codec: 'GZIP',
    columns: [
      { name: 'question', type: 'string', values: QNLI_VALIDATION.map((r) => r.question) },
      { name: 'sentence', type: 'string', values: QNLI_VALIDATION.map((r) => r.sentence) },
      { name: 'label', type: 'int64', values: QNLI_VALIDATION.map((r) => r.label) },
      { name: 'idx', type: 'int64', values: QNLI_VALIDATION.map((_, i) => i) },
    ],
  },
];
