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
