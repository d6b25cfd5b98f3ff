import { GGML_TYPE, GgmlTypeName } from './ggmlTypes';

/**
 * The GGUF v3 container (ggml's GGUF spec: gguf.md in the docs folder of ggml-org/ggml): magic, version, counts, metadata key/values, tensor
 * infos, padding to `general.alignment`, then each tensor's data at an aligned offset. Little-endian
 * throughout; strings are a uint64 length plus UTF-8 bytes.
 */
export type GgufValue =
  | { type: 'u16'; value: number }
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'i32[]'; value: readonly number[] }
  | { type: 'f32[]'; value: readonly number[] };

export interface GgufTensor {
  name: string;
  /** ggml order: ne[0] (the contiguous, fastest-varying dimension) first. */
  dims: number[];
  type: GgmlTypeName;
  data: Uint8Array;
}

export const GGUF_ALIGNMENT = 32;

/** gguf_type (GGUF_TYPE_*) codes. */
const VALUE_TYPE = { u16: 2, u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10 } as const;

class ByteSink {
  private chunks: Uint8Array[] = [];
  length = 0;
  private scratch = new DataView(new ArrayBuffer(8));

  bytes(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  private fixed(size: number, write: (v: DataView) => void): void {
    write(this.scratch);
    this.bytes(new Uint8Array(this.scratch.buffer.slice(0, size)));
  }
  u16(v: number): void { this.fixed(2, (d) => d.setUint16(0, v, true)); }
  u32(v: number): void { this.fixed(4, (d) => d.setUint32(0, v, true)); }
  i32(v: number): void { this.fixed(4, (d) => d.setInt32(0, v, true)); }
  f32(v: number): void { this.fixed(4, (d) => d.setFloat32(0, v, true)); }
  u64(v: number): void { this.fixed(8, (d) => d.setBigUint64(0, BigInt(v), true)); }
  u8(v: number): void { this.bytes(Uint8Array.of(v)); }
  string(s: string): void {
    const utf8 = new TextEncoder().encode(s);
    this.u64(utf8.length);
    this.bytes(utf8);
  }
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    if (pad) this.bytes(new Uint8Array(pad));
  }
  concat(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

function writeValue(sink: ByteSink, v: GgufValue): void {
  switch (v.type) {
    case 'u16': sink.u32(VALUE_TYPE.u16); sink.u16(v.value); return;
    case 'u32': sink.u32(VALUE_TYPE.u32); sink.u32(v.value); return;
    case 'i32': sink.u32(VALUE_TYPE.i32); sink.i32(v.value); return;
    case 'f32': sink.u32(VALUE_TYPE.f32); sink.f32(v.value); return;
    case 'bool': sink.u32(VALUE_TYPE.bool); sink.u8(v.value ? 1 : 0); return;
    case 'string': sink.u32(VALUE_TYPE.string); sink.string(v.value); return;
    case 'string[]':
      sink.u32(VALUE_TYPE.array); sink.u32(VALUE_TYPE.string); sink.u64(v.value.length);
      for (const s of v.value) sink.string(s);
      return;
    case 'i32[]':
      sink.u32(VALUE_TYPE.array); sink.u32(VALUE_TYPE.i32); sink.u64(v.value.length);
      for (const n of v.value) sink.i32(n);
      return;
    case 'f32[]':
      sink.u32(VALUE_TYPE.array); sink.u32(VALUE_TYPE.f32); sink.u64(v.value.length);
      for (const n of v.value) sink.f32(n);
      return;
  }
}

/** Encodes one GGUF file. `metadata` keeps its insertion order in the file. */
export function encodeGguf(metadata: ReadonlyArray<[string, GgufValue]>, tensors: readonly GgufTensor[]): Uint8Array {
  const sink = new ByteSink();
  sink.bytes(new TextEncoder().encode('GGUF'));
  sink.u32(3);
  sink.u64(tensors.length);
  sink.u64(metadata.length);
  for (const [key, value] of metadata) {
    sink.string(key);
    writeValue(sink, value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    sink.string(t.name);
    sink.u32(t.dims.length);
    for (const d of t.dims) sink.u64(d);
    sink.u32(GGML_TYPE[t.type]);
    sink.u64(offset);
    offsets.push(offset);
    offset += t.data.length;
    offset += (GGUF_ALIGNMENT - (offset % GGUF_ALIGNMENT)) % GGUF_ALIGNMENT;
  }
  sink.padTo(GGUF_ALIGNMENT);
  tensors.forEach((t) => {
    sink.bytes(t.data);
    sink.padTo(GGUF_ALIGNMENT);
  });
  return sink.concat();
}

/**
 * A split model as llama.cpp's gguf-split writes it: `parts` files, the first with every metadata
 * key, all with split.no / split.count / split.tensors.count, the tensors dealt out in order.
 * llama.cpp opens the first part and finds the others by name (<prefix>-%05d-of-%05d.gguf).
 */
export function encodeGgufSplit(metadata: ReadonlyArray<[string, GgufValue]>, tensors: readonly GgufTensor[], parts: number): Uint8Array[] {
  const perPart = Math.ceil(tensors.length / parts);
  return Array.from({ length: parts }, (_, i) => {
    const split: Array<[string, GgufValue]> = [
      ['split.no', { type: 'u16', value: i }],
      ['split.count', { type: 'u16', value: parts }],
      ['split.tensors.count', { type: 'i32', value: tensors.length }],
    ];
    return encodeGguf(i === 0 ? [...metadata, ...split] : split, tensors.slice(i * perPart, (i + 1) * perPart));
  });
}
