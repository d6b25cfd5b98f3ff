import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parquetMetadata } from 'hyparquet';
import { readParquet } from '../../src/worker/datasets/readers';
import { EXAMPLE_PARQUET } from './exampleParquet';
import { writeParquet } from './parquetWriter';
import { EXAMPLES, tempDir } from './paths';

function rowsOf(columns: (typeof EXAMPLE_PARQUET)[number]['columns']): Array<Record<string, unknown>> {
  const n = columns[0]!.values.length;
  return Array.from({ length: n }, (_, i) => Object.fromEntries(columns.map((c) => [c.name, c.values[i]])));
}

if (process.env.QUANTLENS_WRITE_EXAMPLES === '1') {
  for (const example of EXAMPLE_PARQUET) {
    const path = join(EXAMPLES, example.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, writeParquet(example.columns, example.codec));
  }
}

test('the committed example Parquet files are the authored rows, with the declared page codecs', async () => {
  for (const example of EXAMPLE_PARQUET) {
    const path = join(EXAMPLES, example.path);
    const records = await readParquet(path);
    assert.deepEqual(records.map((r) => r.fields), rowsOf(example.columns), example.path);
    assert.deepEqual(records.map((r) => r.source.line), records.map((_, i) => i + 1));
    const bytes = readFileSync(path);
    const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    for (const column of metadata.row_groups[0]!.columns) assert.equal(column.meta_data!.codec, example.codec, example.path);
  }
});

test('the Parquet writer round-trips every codec through hyparquet (strings, unicode, int64, double, lists, empty lists)', async () => {
  const { dir, cleanup } = tempDir('parquet');
  try {
    const columns = [
      { name: 'text', type: 'string' as const, values: ['plain', 'Où est 東京? 😀', ''] },
      { name: 'choices', type: 'string-list' as const, values: [['a', 'b', 'c', 'd'], ['x'], []] },
      { name: 'count', type: 'int64' as const, values: [0, -3, 2 ** 40] },
      { name: 'score', type: 'double' as const, values: [0.5, -1.25, 1e-300] },
    ];
    for (const codec of ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'ZSTD'] as const) {
      const file = join(dir, `${codec}.parquet`);
      writeFileSync(file, writeParquet(columns, codec));
      assert.deepEqual((await readParquet(file)).map((r) => r.fields), rowsOf(columns), codec);
    }
  } finally {
    cleanup();
  }
});
