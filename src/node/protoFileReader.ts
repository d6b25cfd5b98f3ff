import { fstatSync, readSync } from 'node:fs';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;

/** The bytes are not well-formed protobuf; `offset` is the file offset where that showed. */
export class WireFormatError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at byte ${offset}`);
  }
}

export interface FieldTag {
  field: number;
  wireType: number;
  /** File offset of the tag, for error messages. */
  offset: number;
}

/** Bytes read per refill: tensor headers are small and sit between payloads we skip, so reading far ahead is wasted. */
const READ_AHEAD_BYTES = 64 * 1024;
/** The largest single field this reader decodes (a name, an op type); also the buffer's size. */
const DEFAULT_CAPACITY_BYTES = 1024 * 1024;

/**
 * Reads protobuf wire format from an open file through one fixed buffer, so memory stays flat
 * whatever the file's size. Payloads the caller does not need are skipped by moving the file offset,
 * never read. Nested messages are walked by the caller, who passes each message's end offset.
 */
export class ProtoFileReader {
  /** File offset of the next byte to decode. */
  position = 0;
  readonly size: number;
  private readonly buffer: Buffer;
  /** File offset of buffer[0]. */
  private bufferStart = 0;
  private bufferLength = 0;

  constructor(
    private readonly fd: number,
    capacityBytes = DEFAULT_CAPACITY_BYTES,
  ) {
    this.size = fstatSync(fd).size;
    this.buffer = Buffer.allocUnsafe(capacityBytes);
  }

  /** Reads a field tag, rejecting wire types that no ONNX message uses (groups, 6, 7) and field 0. */
  readTag(): FieldTag {
    const offset = this.position;
    const tag = this.readVarint();
    const wireType = tag % 8;
    const field = Math.floor(tag / 8);
    if (field === 0) throw new WireFormatError('field number 0', offset);
    if (wireType !== 0 && wireType !== 1 && wireType !== 2 && wireType !== 5) {
      throw new WireFormatError(`unexpected wire type ${wireType} for field ${field}`, offset);
    }
    return { field, wireType, offset };
  }

  /** Throws unless the tag has the wire type the schema gives its field. */
  expectWireType(tag: FieldTag, wireType: number): void {
    if (tag.wireType !== wireType) {
      throw new WireFormatError(
        `unexpected wire type ${tag.wireType} for field ${tag.field} (expected ${wireType})`,
        tag.offset,
      );
    }
  }

  /** An unsigned varint that must fit a JS number exactly (lengths, tags, enum values). */
  readVarint(): number {
    const offset = this.position;
    let value = 0;
    let scale = 1;
    for (let index = 0; index < 8; index++) {
      const byte = this.readByte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw new WireFormatError('varint too large', offset);
  }

  /** A two's complement int64/int32 varint (negatives take ten bytes), as a number. */
  readInt64(): number {
    const offset = this.position;
    let value = 0n;
    for (let index = 0; index < 10; index++) {
      const byte = this.readByte();
      value |= BigInt(byte & 0x7f) << BigInt(7 * index);
      if (byte < 0x80) return Number(BigInt.asIntN(64, value));
    }
    throw new WireFormatError('varint longer than ten bytes', offset);
  }

  readFloat32(): number {
    this.ensure(4);
    const value = this.buffer.readFloatLE(this.position - this.bufferStart);
    this.position += 4;
    return value;
  }

  /** Reads a length prefix and checks that the field ends within `end` (its enclosing message). */
  readLength(end: number): number {
    const offset = this.position;
    const length = this.readVarint();
    if (this.position + length > end) {
      const reason = end === this.size
        ? `truncated: a field declares ${length} bytes but the file ends at byte ${this.size}`
        : `a field declares ${length} bytes, more than its enclosing message holds`;
      throw new WireFormatError(reason, offset);
    }
    return length;
  }

  /** Reads the length prefix of a length-delimited field and returns the file offset where its value ends. */
  readMessageEnd(tag: FieldTag, end: number): number {
    this.expectWireType(tag, WireType.lengthDelimited);
    const length = this.readLength(end);
    return this.position + length;
  }

  /** Decodes `length` bytes as UTF-8 (names, op types, domains). */
  readString(length: number): string {
    if (length > this.buffer.length) {
      throw new WireFormatError(`a ${length}-byte string where a name was expected`, this.position);
    }
    this.ensure(length);
    const start = this.position - this.bufferStart;
    this.position += length;
    return this.buffer.toString('utf8', start, start + length);
  }

  /** Moves past `length` bytes without reading them. */
  skip(length: number): void {
    if (this.position + length > this.size) {
      throw new WireFormatError(`truncated: the file ends at byte ${this.size}`, this.position);
    }
    this.position += length;
  }

  /** Moves past a field's value of any wire type; returns the payload length for length-delimited ones. */
  skipValue(tag: FieldTag, end: number): number {
    switch (tag.wireType) {
      case WireType.varint:
        this.readInt64();
        return 0;
      case WireType.fixed64:
        this.skip(8);
        return 0;
      case WireType.fixed32:
        this.skip(4);
        return 0;
      default: {
        const length = this.readLength(end);
        this.skip(length);
        return length;
      }
    }
  }

  private readByte(): number {
    this.ensure(1);
    return this.buffer[this.position++ - this.bufferStart];
  }

  /** Makes the bytes [position, position + count) available in the buffer. */
  private ensure(count: number): void {
    const bufferEnd = this.bufferStart + this.bufferLength;
    if (this.position >= this.bufferStart && this.position + count <= bufferEnd) return;
    if (this.position + count > this.size) {
      throw new WireFormatError(`truncated: the file ends at byte ${this.size}`, this.position);
    }
    const wanted = Math.min(this.buffer.length, Math.max(count, READ_AHEAD_BYTES), this.size - this.position);
    let filled = 0;
    while (filled < wanted) {
      const read = readSync(this.fd, this.buffer, filled, wanted - filled, this.position + filled);
      if (read === 0) break;
      filled += read;
    }
    this.bufferStart = this.position;
    this.bufferLength = filled;
    if (filled < count) {
      throw new WireFormatError(`truncated: the file ends at byte ${this.position + filled}`, this.position);
    }
  }
}
