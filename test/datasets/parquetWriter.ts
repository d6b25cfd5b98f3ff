/**
 * A tiny Parquet writer for tests and the example datasets (hyparquet only reads). One row group,
 * one PLAIN-encoded v1 data page per column, required columns only: UTF-8 strings, int64, double,
 * and lists of strings (the 3-level LIST layout pyarrow writes). Pages can be left uncompressed or
 * wrapped as SNAPPY, GZIP or ZSTD: snappy and zstd here store literal/raw blocks (valid streams that
 * every decoder reads, just not smaller), gzip uses zlib. Metadata is Thrift compact protocol, per
 * the parquet-format specification (parquet.thrift).
 */
import { gzipSync } from 'node:zlib';

export type ParquetCodec = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'ZSTD';

export type ParquetColumn =
  | { name: string; type: 'string'; values: string[] }
  | { name: string; type: 'int64'; values: number[] }
  | { name: string; type: 'double'; values: number[] }
  | { name: string; type: 'string-list'; values: string[][] };

const CODEC_IDS: Record<ParquetCodec, number> = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2, ZSTD: 6 };
const TYPE = { INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
const REPETITION = { REQUIRED: 0, REPEATED: 2 } as const;
const CONVERTED = { UTF8: 0, LIST: 3 } as const;
const ENCODING = { PLAIN: 0, RLE: 3 } as const;

/** Thrift compact protocol writer (only what parquet.thrift's file and page headers need). */
class CompactWriter {
  readonly bytes: number[] = [];
  private last: number[] = [0];

  private varint(value: bigint): void {
    let v = value;
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  private header(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1]!;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.varint(BigInt((id << 1) ^ (id >> 31)));
    }
    this.last[this.last.length - 1] = id;
  }

  private zigzag(value: number | bigint): bigint {
    const v = BigInt(value);
    return (v << 1n) ^ (v >> 63n);
  }

  i32(id: number, value: number): this {
    this.header(id, 5);
    this.varint(this.zigzag(value));
    return this;
  }

  i64(id: number, value: number): this {
    this.header(id, 6);
    this.varint(this.zigzag(value));
    return this;
  }

  string(id: number, value: string): this {
    const utf8 = Buffer.from(value, 'utf8');
    this.header(id, 8);
    this.varint(BigInt(utf8.length));
    this.bytes.push(...utf8);
    return this;
  }

  private listHeader(size: number, elementType: number): void {
    if (size < 15) this.bytes.push((size << 4) | elementType);
    else {
      this.bytes.push(0xf0 | elementType);
      this.varint(BigInt(size));
    }
  }

  i32List(id: number, values: number[]): this {
    this.header(id, 9);
    this.listHeader(values.length, 5);
    for (const v of values) this.varint(this.zigzag(v));
    return this;
  }

  stringList(id: number, values: string[]): this {
    this.header(id, 9);
    this.listHeader(values.length, 8);
    for (const v of values) {
      const utf8 = Buffer.from(v, 'utf8');
      this.varint(BigInt(utf8.length));
      this.bytes.push(...utf8);
    }
    return this;
  }

  structList<T>(id: number, items: T[], write: (w: this, item: T) => void): this {
    this.header(id, 9);
    this.listHeader(items.length, 12);
    for (const item of items) this.inStruct(() => write(this, item));
    return this;
  }

  struct(id: number, write: (w: this) => void): this {
    this.header(id, 12);
    this.inStruct(() => write(this));
    return this;
  }

  private inStruct(write: () => void): void {
    this.last.push(0);
    write();
    this.bytes.push(0); // stop
    this.last.pop();
  }

  /** A top-level struct (file metadata, page header). */
  static message(write: (w: CompactWriter) => void): Buffer {
    const w = new CompactWriter();
    write(w);
    w.bytes.push(0);
    return Buffer.from(w.bytes);
  }
}

/** RLE/bit-packing hybrid of 1-bit levels as RLE runs, prefixed with its 4-byte length (data page v1). */
function rleLevels(levels: number[]): Buffer {
  const out: number[] = [];
  let i = 0;
  while (i < levels.length) {
    let j = i;
    while (j < levels.length && levels[j] === levels[i]) j++;
    let count = (j - i) << 1;
    while (count >= 0x80) {
      out.push((count & 0x7f) | 0x80);
      count >>>= 7;
    }
    out.push(count, levels[i]!);
    i = j;
  }
  const length = Buffer.alloc(4);
  length.writeUInt32LE(out.length);
  return Buffer.concat([length, Buffer.from(out)]);
}

function plainStrings(values: string[]): Buffer {
  return Buffer.concat(values.flatMap((v) => {
    const utf8 = Buffer.from(v, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(utf8.length);
    return [length, utf8];
  }));
}

/** Snappy raw format with literal elements only. */
function snappyLiterals(data: Buffer): Buffer {
  const out: number[] = [];
  let n = data.length;
  do {
    out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  const parts: Buffer[] = [Buffer.from(out)];
  for (let start = 0; start < data.length; start += 65536) {
    const chunk = data.subarray(start, Math.min(start + 65536, data.length));
    const len = chunk.length - 1;
    if (len < 60) parts.push(Buffer.from([len << 2]));
    else if (len < 256) parts.push(Buffer.from([60 << 2, len]));
    else parts.push(Buffer.from([61 << 2, len & 0xff, len >> 8]));
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** A zstd frame of raw (stored) blocks with the content size in the header. */
function zstdRaw(data: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUInt32LE(0xfd2fb528, 0);
  header[4] = 0xa0; // Frame_Content_Size_flag = 2 (4 bytes), Single_Segment_flag = 1
  header.writeUInt32LE(data.length, 5);
  const parts: Buffer[] = [header];
  const max = 128 * 1024;
  let start = 0;
  do {
    const chunk = data.subarray(start, Math.min(start + max, data.length));
    start += chunk.length;
    const last = start >= data.length ? 1 : 0;
    const blockHeader = (chunk.length << 3) | (0 << 1) | last; // Block_Type 0 = Raw
    parts.push(Buffer.from([blockHeader & 0xff, (blockHeader >> 8) & 0xff, (blockHeader >> 16) & 0xff]), chunk);
  } while (start < data.length);
  return Buffer.concat(parts);
}

function compress(codec: ParquetCodec, data: Buffer): Buffer {
  switch (codec) {
    case 'UNCOMPRESSED':
      return data;
    case 'SNAPPY':
      return snappyLiterals(data);
    case 'GZIP': {
      const gz = gzipSync(data, { level: 9 });
      gz[9] = 255; // OS "unknown": the same header on every platform
      return gz;
    }
    case 'ZSTD':
      return zstdRaw(data);
  }
}

interface EncodedColumn {
  path: string[];
  physicalType: number;
  body: Buffer;
  numValues: number;
}

function encodeColumn(column: ParquetColumn): EncodedColumn {
  switch (column.type) {
    case 'string':
      return { path: [column.name], physicalType: TYPE.BYTE_ARRAY, body: plainStrings(column.values), numValues: column.values.length };
    case 'int64': {
      const body = Buffer.alloc(8 * column.values.length);
      column.values.forEach((v, i) => body.writeBigInt64LE(BigInt(v), 8 * i));
      return { path: [column.name], physicalType: TYPE.INT64, body, numValues: column.values.length };
    }
    case 'double': {
      const body = Buffer.alloc(8 * column.values.length);
      column.values.forEach((v, i) => body.writeDoubleLE(v, 8 * i));
      return { path: [column.name], physicalType: TYPE.DOUBLE, body, numValues: column.values.length };
    }
    case 'string-list': {
      const rep: number[] = [];
      const def: number[] = [];
      const flat: string[] = [];
      for (const list of column.values) {
        if (list.length === 0) {
          rep.push(0);
          def.push(0);
        }
        list.forEach((v, i) => {
          rep.push(i === 0 ? 0 : 1);
          def.push(1);
          flat.push(v);
        });
      }
      return {
        path: [column.name, 'list', 'element'],
        physicalType: TYPE.BYTE_ARRAY,
        body: Buffer.concat([rleLevels(rep), rleLevels(def), plainStrings(flat)]),
        numValues: rep.length,
      };
    }
  }
}

/** Writes the columns (all the same length) as one Parquet file. */
export function writeParquet(columns: ParquetColumn[], codec: ParquetCodec = 'UNCOMPRESSED'): Buffer {
  const numRows = columns[0]?.values.length ?? 0;
  for (const c of columns) if (c.values.length !== numRows) throw new Error(`column ${c.name} has ${c.values.length} rows, expected ${numRows}`);
  const parts: Buffer[] = [Buffer.from('PAR1')];
  let offset = 4;
  const chunks: Array<{ encoded: EncodedColumn; offset: number; uncompressed: number; compressed: number }> = [];
  for (const column of columns) {
    const encoded = encodeColumn(column);
    const body = compress(codec, encoded.body);
    const header = CompactWriter.message((w) => {
      w.i32(1, 0) // DATA_PAGE
        .i32(2, encoded.body.length)
        .i32(3, body.length)
        .struct(5, (d) => d.i32(1, encoded.numValues).i32(2, ENCODING.PLAIN).i32(3, ENCODING.RLE).i32(4, ENCODING.RLE));
    });
    chunks.push({ encoded, offset, uncompressed: header.length + encoded.body.length, compressed: header.length + body.length });
    parts.push(header, body);
    offset += header.length + body.length;
  }
  const metadata = CompactWriter.message((w) => {
    w.i32(1, 1);
    const schema: Array<(s: CompactWriter) => void> = [(s) => s.string(4, 'schema').i32(5, columns.length)];
    for (const c of columns) {
      if (c.type === 'string-list') {
        schema.push((s) => s.i32(3, REPETITION.REQUIRED).string(4, c.name).i32(5, 1).i32(6, CONVERTED.LIST));
        schema.push((s) => s.i32(3, REPETITION.REPEATED).string(4, 'list').i32(5, 1));
        schema.push((s) => s.i32(1, TYPE.BYTE_ARRAY).i32(3, REPETITION.REQUIRED).string(4, 'element').i32(6, CONVERTED.UTF8));
      } else if (c.type === 'string') {
        schema.push((s) => s.i32(1, TYPE.BYTE_ARRAY).i32(3, REPETITION.REQUIRED).string(4, c.name).i32(6, CONVERTED.UTF8));
      } else {
        schema.push((s) => s.i32(1, c.type === 'int64' ? TYPE.INT64 : TYPE.DOUBLE).i32(3, REPETITION.REQUIRED).string(4, c.name));
      }
    }
    w.structList(2, schema, (s, write) => write(s));
    w.i64(3, numRows);
    w.structList(4, [0], (rg) => {
      rg.structList(1, chunks, (cc, chunk) => {
        cc.i64(2, chunk.offset).struct(3, (m) => {
          m.i32(1, chunk.encoded.physicalType)
            .i32List(2, [ENCODING.PLAIN, ENCODING.RLE])
            .stringList(3, chunk.encoded.path)
            .i32(4, CODEC_IDS[codec])
            .i64(5, chunk.encoded.numValues)
            .i64(6, chunk.uncompressed)
            .i64(7, chunk.compressed)
            .i64(9, chunk.offset);
        });
      });
      rg.i64(2, chunks.reduce((s, c) => s + c.uncompressed, 0)).i64(3, numRows);
    });
    w.string(6, 'QuantLens test/datasets/parquetWriter.ts');
  });
  const length = Buffer.alloc(4);
  length.writeUInt32LE(metadata.length);
  parts.push(metadata, length, Buffer.from('PAR1'));
  return Buffer.concat(parts);
}
