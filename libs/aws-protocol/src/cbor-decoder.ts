/**
 * Reads a request body in CBOR into the JSON data model plus Buffers (byte strings, sliced from
 * the body without copying) and Dates (tag 1). Tag 1 holds epoch **milliseconds** here, integer
 * or float, because that is what the AWS Java SDK writes under x-amz-cbor-1.1. Accepts the
 * indefinite-length items Jackson's CBOR generator emits. Input is untrusted: every length is
 * checked against the bytes left, nesting is bounded, and map keys must be text.
 */
export function decodeCbor(body: Buffer): unknown {
  const reader = new CborReader(body);
  const value = reader.item(0);
  if (reader.offset !== body.length) throw new CborDecodeError('Unexpected bytes after the CBOR item');
  return value;
}

export class CborDecodeError extends Error {}

const MAX_DEPTH = 64;
const BREAK = Symbol('break');

class CborReader {
  offset = 0;

  constructor(private readonly buffer: Buffer) {}

  item(depth: number): unknown {
    const value = this.itemOrBreak(depth);
    if (value === BREAK) throw new CborDecodeError('Unexpected break');
    return value;
  }

  private itemOrBreak(depth: number): unknown {
    if (depth > MAX_DEPTH) throw new CborDecodeError('CBOR nested too deeply');
    const initial = this.byte();
    const major = initial >> 5;
    const info = initial & 0x1f;
    switch (major) {
      case 0:
        return this.argument(info);
      case 1:
        return -1 - this.argument(info);
      case 2:
        return info === 31 ? this.chunks(2) : this.take(this.length(info));
      case 3:
        return info === 31 ? this.chunks(3).toString('utf8') : this.text(this.length(info));
      case 4:
        return this.array(info, depth);
      case 5:
        return this.map(info, depth);
      case 6:
        return this.tagged(this.argument(info), depth);
      default:
        return this.simple(info);
    }
  }

  private array(info: number, depth: number): unknown[] {
    const items: unknown[] = [];
    if (info === 31) {
      for (let item = this.itemOrBreak(depth + 1); item !== BREAK; item = this.itemOrBreak(depth + 1)) items.push(item);
      return items;
    }
    const count = this.length(info);
    for (let i = 0; i < count; i++) items.push(this.item(depth + 1));
    return items;
  }

  private map(info: number, depth: number): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    const count = info === 31 ? Infinity : this.length(info);
    for (let i = 0; i < count; i++) {
      const key = this.itemOrBreak(depth + 1);
      if (key === BREAK && count === Infinity) break;
      if (typeof key !== 'string') throw new CborDecodeError('CBOR map keys must be text strings');
      const value = this.item(depth + 1);
      // Assigning "__proto__" would set the prototype; like JSON.parse, keep it as an own property.
      if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
    }
    return object;
  }

  private tagged(tag: number, depth: number): unknown {
    const value = this.item(depth + 1);
    if (tag === 1) {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new CborDecodeError('Tag 1 must hold a number');
      return new Date(value);
    }
    if ((tag === 2 || tag === 3) && Buffer.isBuffer(value)) {
      const magnitude = value.length === 0 ? 0n : BigInt(`0x${value.toString('hex')}`);
      return Number(tag === 2 ? magnitude : -1n - magnitude);
    }
    return value;
  }

  private simple(info: number): unknown {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
      case 23:
        return null;
      case 25:
        return halfToNumber(this.buffer.readUInt16BE(this.advance(2)));
      case 26:
        return this.buffer.readFloatBE(this.advance(4));
      case 27:
        return this.buffer.readDoubleBE(this.advance(8));
      case 31:
        return BREAK;
      default:
        throw new CborDecodeError(`Unsupported CBOR simple value ${info}`);
    }
  }

  /** The byte strings (major 2) or text strings (major 3) of an indefinite-length string, joined. */
  private chunks(major: number): Buffer {
    const parts: Buffer[] = [];
    for (;;) {
      const initial = this.byte();
      if (initial === 0xff) return Buffer.concat(parts);
      if (initial >> 5 !== major || (initial & 0x1f) === 31) throw new CborDecodeError('Malformed indefinite-length string');
      parts.push(this.take(this.length(initial & 0x1f)));
    }
  }

  /** A length or count, which cannot exceed the bytes left (every item takes at least one). */
  private length(info: number): number {
    const length = this.argument(info);
    if (length > this.buffer.length - this.offset) throw new CborDecodeError('CBOR length exceeds the body');
    return length;
  }

  private argument(info: number): number {
    if (info < 24) return info;
    switch (info) {
      case 24:
        return this.buffer[this.advance(1)];
      case 25:
        return this.buffer.readUInt16BE(this.advance(2));
      case 26:
        return this.buffer.readUInt32BE(this.advance(4));
      case 27:
        return Number(this.buffer.readBigUInt64BE(this.advance(8)));
      default:
        throw new CborDecodeError('Malformed CBOR argument');
    }
  }

  private byte(): number {
    return this.buffer[this.advance(1)];
  }

  private text(length: number): string {
    const start = this.advance(length);
    return this.buffer.toString('utf8', start, start + length);
  }

  private take(count: number): Buffer {
    const start = this.advance(count);
    return this.buffer.subarray(start, start + count);
  }

  /** Moves past `count` bytes and returns where they start. */
  private advance(count: number): number {
    const start = this.offset;
    if (start + count > this.buffer.length) throw new CborDecodeError('Truncated CBOR');
    this.offset = start + count;
    return start;
  }
}

function halfToNumber(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
