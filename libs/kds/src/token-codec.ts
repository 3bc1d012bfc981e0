/**
 * A minimal binary writer and reader for token payloads: fixed-width integers and short
 * length-prefixed strings. The reader reports truncation by returning undefined, never by throwing
 * from Buffer, so a malformed token is just "not a token".
 */
export class TokenWriter {
  private readonly parts: Buffer[] = [];

  uint(value: number): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(value));
    this.parts.push(b);
    return this;
  }

  /** Undefined or a non-negative integer. */
  optionalUint(value: number | undefined): this {
    return this.uint(value === undefined ? 0 : value + 1);
  }

  string(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length > 0xffff) throw new RangeError('Token string too long');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(bytes.length);
    this.parts.push(length, bytes);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export class TokenReader {
  private position = 0;
  private failed = false;

  constructor(private readonly bytes: Buffer) {}

  uint(): number {
    if (!this.take(8)) return 0;
    const value = this.bytes.readBigUInt64BE(this.position - 8);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.failed = true;
    return Number(value);
  }

  optionalUint(): number | undefined {
    const value = this.uint();
    return value === 0 ? undefined : value - 1;
  }

  string(): string {
    if (!this.take(2)) return '';
    const length = this.bytes.readUInt16BE(this.position - 2);
    if (!this.take(length)) return '';
    return this.bytes.toString('utf8', this.position - length, this.position);
  }

  /** True when every read succeeded and the whole payload was consumed. */
  complete(): boolean {
    return !this.failed && this.position === this.bytes.length;
  }

  private take(n: number): boolean {
    if (this.failed || this.position + n > this.bytes.length) {
      this.failed = true;
      return false;
    }
    this.position += n;
    return true;
  }
}
