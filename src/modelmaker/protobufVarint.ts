/** A protobuf varint as bytes, for lengths protobufjs cannot write (past 4 GiB) or that are written by hand. */
export function protobufVarint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}
