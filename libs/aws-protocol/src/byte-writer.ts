/**
 * A growable output buffer for the body encoders. Output is written in place, so a response body
 * costs one final buffer (plus the doublings on the way) instead of a string per value.
 */
export class ByteWriter {
  private buffer: Buffer;
  private offset = 0;

  constructor(initialCapacity = 4096) {
    this.buffer = Buffer.allocUnsafe(initialCapacity);
  }

  /** The bytes written so far, sharing memory with the writer. */
  result(): Buffer {
    return this.buffer.subarray(0, this.offset);
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

  private reserve(bytes: number): void {
    const needed = this.offset + bytes;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }
}
