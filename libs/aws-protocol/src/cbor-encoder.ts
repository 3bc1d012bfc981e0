/**
 * Writes operation outputs as CBOR the way the AWS Java SDK reads x-amz-cbor-1.1: Buffers as
 * byte strings, Dates as tag 1 holding integer epoch **milliseconds** (not the RFC's seconds),
 * objects as definite-length maps without their null or undefined members. Blobs are copied
 * once, straight into the output.
 */
export function encodeCbor(value: unknown): Buffer {
  const writer = new CborWriter();
  writer.write(value);
  return writer.result();
}

const INITIAL_CAPACITY = 4096;

class CborWriter {
  private buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  private offset = 0;

  result(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }

  write(value: unknown): void {
    switch (typeof value) {
      case 'string':
        return this.writeText(value);
      case 'number':
        return this.writeNumber(value);
      case 'boolean':
        return this.writeByte(value ? 0xf5 : 0xf4);
      case 'object':
        if (value === null) return this.writeByte(0xf6);
        if (value instanceof Uint8Array) return this.writeBytes(value);
        if (value instanceof Date) return this.writeTimestamp(value);
        if (Array.isArray(value)) return this.writeArray(value);
        return this.writeMap(value as Record<string, unknown>);
      default:
        throw new TypeError(`A ${typeof value} cannot be written as CBOR`);
    }
  }

  private writeArray(items: unknown[]): void {
    this.writeHead(4, items.length);
    for (const item of items) this.write(item ?? null);
  }

  private writeMap(object: Record<string, unknown>): void {
    const keys = Object.keys(object);
    let present = 0;
    for (const key of keys) if (object[key] !== undefined && object[key] !== null) present++;
    this.writeHead(5, present);
    for (const key of keys) {
      const member = object[key];
      if (member === undefined || member === null) continue;
      this.writeText(key);
      this.write(member);
    }
  }

  private writeTimestamp(date: Date): void {
    const millis = date.getTime();
    if (!Number.isFinite(millis)) throw new TypeError('An invalid Date cannot be written as a timestamp');
    this.writeByte(0xc1);
    this.writeNumber(Math.round(millis));
  }

  private writeNumber(value: number): void {
    if (Number.isSafeInteger(value)) {
      if (value >= 0) this.writeHead(0, value);
      else this.writeHead(1, -1 - value);
      return;
    }
    this.reserve(9);
    this.buffer[this.offset] = 0xfb;
    this.buffer.writeDoubleBE(value, this.offset + 1);
    this.offset += 9;
  }

  private writeText(text: string): void {
    const length = Buffer.byteLength(text, 'utf8');
    this.writeHead(3, length);
    this.reserve(length);
    this.offset += this.buffer.write(text, this.offset, length, 'utf8');
  }

  private writeBytes(bytes: Uint8Array): void {
    this.writeHead(2, bytes.byteLength);
    this.reserve(bytes.byteLength);
    this.buffer.set(bytes, this.offset);
    this.offset += bytes.byteLength;
  }

  private writeByte(byte: number): void {
    this.reserve(1);
    this.buffer[this.offset++] = byte;
  }

  /** The initial byte of a major type and its argument, in the shortest form. */
  private writeHead(major: number, argument: number): void {
    this.reserve(9);
    const type = major << 5;
    const buffer = this.buffer;
    if (argument < 24) {
      buffer[this.offset++] = type | argument;
    } else if (argument < 0x100) {
      buffer[this.offset++] = type | 24;
      buffer[this.offset++] = argument;
    } else if (argument < 0x10000) {
      buffer[this.offset++] = type | 25;
      buffer.writeUInt16BE(argument, this.offset);
      this.offset += 2;
    } else if (argument < 0x100000000) {
      buffer[this.offset++] = type | 26;
      buffer.writeUInt32BE(argument, this.offset);
      this.offset += 4;
    } else {
      buffer[this.offset++] = type | 27;
      buffer.writeUInt32BE(Math.floor(argument / 0x100000000), this.offset);
      buffer.writeUInt32BE(argument % 0x100000000, this.offset + 4);
      this.offset += 8;
    }
  }

  private reserve(bytes: number): void {
    const needed = this.offset + bytes;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }
}
