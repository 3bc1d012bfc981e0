import type { BodyPool } from './body-pool';

/** The bytes a writer produced, and how to hand its memory back once nothing reads them any more. */
export interface RecyclableBytes {
  bytes: Buffer;
  /** Present when the bytes live in a pooled buffer; after the call they may be overwritten at any time. */
  recycle?: () => void;
}

/**
 * A growable output buffer for the body encoders. Output is written in place, so a response body
 * costs one final buffer (plus the doublings on the way) instead of a string per value. With a
 * pool, a large output grows into the pool's buffers, which detach() lets the caller give back.
 */
export class ByteWriter {
  private buffer: Buffer;
  private offset = 0;
  /** `buffer`, when it came from the pool. */
  private pooled: Buffer | undefined;

  constructor(
    initialCapacity = 4096,
    private readonly pool?: BodyPool,
  ) {
    this.buffer = Buffer.allocUnsafe(initialCapacity);
  }

  /** The bytes written so far, sharing memory with the writer. */
  result(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }

  /**
   * The bytes written, and when they are in a pooled buffer, the function that returns it to the
   * pool. The writer is done: nothing may be written after this.
   */
  detach(): RecyclableBytes {
    const bytes = this.result();
    const { pooled, pool } = this;
    this.pooled = undefined;
    if (pooled === undefined || pool === undefined) return { bytes };
    let recycled = false;
    return {
      bytes,
      recycle: () => {
        if (recycled) return;
        recycled = true;
        pool.give(pooled);
      },
    };
  }

  uint8(value: number): void {
    this.reserve(1);
    this.buffer[this.offset++] = value;
  }

  uint16(value: number): void {
    this.reserve(2);
    this.offset = this.buffer.writeUInt16BE(value, this.offset);
  }

  uint32(value: number): void {
    this.reserve(4);
    this.offset = this.buffer.writeUInt32BE(value, this.offset);
  }

  float64(value: number): void {
    this.reserve(8);
    this.offset = this.buffer.writeDoubleBE(value, this.offset);
  }

  /** Text known to hold only characters below U+0100, one byte each. */
  latin1(text: string): void {
    this.reserve(text.length);
    this.offset += this.buffer.write(text, this.offset, 'latin1');
  }

  /**
   * Writes `"text"` when every character of `text` is printable ASCII other than `"` and `\\`,
   * which then needs no JSON escaping, and returns true; otherwise writes nothing and returns
   * false. Meant for short strings: a byte loop costs less than a call into Buffer.write.
   */
  quotedPrintableAscii(text: string): boolean {
    const length = text.length;
    this.reserve(length + 2);
    const { buffer } = this;
    const start = this.offset;
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
      buffer[start + 1 + i] = c;
    }
    buffer[start] = 0x22;
    buffer[start + 1 + length] = 0x22;
    this.offset = start + length + 2;
    return true;
  }

  utf8(text: string, byteLength = Buffer.byteLength(text, 'utf8')): void {
    this.reserve(byteLength);
    this.offset += this.buffer.write(text, this.offset, byteLength, 'utf8');
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.byteLength);
    this.buffer.set(data, this.offset);
    this.offset += data.byteLength;
  }

  /**
   * Appends `length` bytes for the caller to fill in place: they are `target[at, at + length)`,
   * where `at` is the position returned and `target` is read after this call (it may have grown).
   */
  claim(length: number): number {
    this.reserve(length);
    const at = this.offset;
    this.offset += length;
    return at;
  }

  /** The buffer being written; see claim(). */
  get target(): Buffer {
    return this.buffer;
  }

  /** Copies `source[start, end)`, without the view of it that bytes() would need. */
  copy(source: Buffer, start: number, end: number): void {
    this.reserve(end - start);
    this.offset += source.copy(this.buffer, this.offset, start, end);
  }

  /** The standard base64 (with padding) of `source[start, end)`. */
  base64(source: Buffer, start: number, end: number): void {
    this.reserve(Math.ceil((end - start) / 3) * 4);
    this.offset += this.buffer.write(source.toString('base64', start, end), this.offset, 'latin1');
  }

  /**
   * Writes `"…"` around `source[start, end)` when those bytes are all printable ASCII other than
   * `"` and `\\` (the JSON string of their text is then the bytes themselves) and returns true;
   * otherwise writes nothing and returns false.
   */
  quotedPrintableAsciiBytes(source: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    this.reserve(length + 2);
    const { buffer } = this;
    const at = this.offset + 1 - start;
    for (let i = start; i < end; i++) {
      const c = source[i];
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
      buffer[at + i] = c;
    }
    buffer[this.offset] = 0x22;
    buffer[this.offset + 1 + length] = 0x22;
    this.offset += length + 2;
    return true;
  }

  /**
   * Makes room for `bytes` more without growing again. A writer that knows (or can estimate) its
   * output's size calls it first: growing by doubling copies a 14 MB GetRecords answer twice over.
   */
  reserve(bytes: number): void {
    const needed = this.offset + bytes;
    if (needed <= this.buffer.length) return;
    const size = Math.max(needed, this.buffer.length * 2);
    const fromPool = this.pool?.take(size);
    const grown = fromPool ?? Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.offset);
    if (this.pooled !== undefined) this.pool?.give(this.pooled);
    this.pooled = fromPool;
    this.buffer = grown;
  }
}
