/**
 * ONNX TensorProto.DataType values → onnxruntime tensor type names and element sizes in bits.
 * From onnx/onnx.proto (through FLOAT8E8M0, ONNX 1.18). Bits, not bytes, because INT4/UINT4/FLOAT4
 * pack two elements into a byte.
 */
const DATA_TYPES: ReadonlyMap<number, { name: string; bits?: number }> = new Map([
  [0, { name: 'undefined' }],
  [1, { name: 'float32', bits: 32 }],
  [2, { name: 'uint8', bits: 8 }],
  [3, { name: 'int8', bits: 8 }],
  [4, { name: 'uint16', bits: 16 }],
  [5, { name: 'int16', bits: 16 }],
  [6, { name: 'int32', bits: 32 }],
  [7, { name: 'int64', bits: 64 }],
  // Strings have no fixed size; their bytes are counted from the data itself.
  [8, { name: 'string' }],
  [9, { name: 'bool', bits: 8 }],
  [10, { name: 'float16', bits: 16 }],
  [11, { name: 'float64', bits: 64 }],
  [12, { name: 'uint32', bits: 32 }],
  [13, { name: 'uint64', bits: 64 }],
  [14, { name: 'complex64', bits: 64 }],
  [15, { name: 'complex128', bits: 128 }],
  [16, { name: 'bfloat16', bits: 16 }],
  [17, { name: 'float8e4m3fn', bits: 8 }],
  [18, { name: 'float8e4m3fnuz', bits: 8 }],
  [19, { name: 'float8e5m2', bits: 8 }],
  [20, { name: 'float8e5m2fnuz', bits: 8 }],
  [21, { name: 'uint4', bits: 4 }],
  [22, { name: 'int4', bits: 4 }],
  [23, { name: 'float4e2m1', bits: 4 }],
  [24, { name: 'float8e8m0', bits: 8 }],
]);

export const ONNX_UINT8 = 2;

export function dataTypeName(dataType: number): string {
  return DATA_TYPES.get(dataType)?.name ?? `dtype${dataType}`;
}

/** Bytes that `elements` values of this type occupy when packed, or undefined when the size is not fixed. */
export function packedByteSize(dataType: number, elements: number): number | undefined {
  const bits = DATA_TYPES.get(dataType)?.bits;
  return bits === undefined ? undefined : Math.ceil((elements * bits) / 8);
}
