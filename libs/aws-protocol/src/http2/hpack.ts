import { huffmanDecode, HuffmanError } from './hpack-huffman';

/** RFC 7541 Appendix A: entries 1–61, shared by every connection. */
export const STATIC_TABLE: ReadonlyArray<readonly [string, string]> = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

/** RFC 7541 §4.1: an entry's size is its name and value lengths plus 32. */
const ENTRY_OVERHEAD = 32;

/** A header block that cannot be decoded: a connection error of type COMPRESSION_ERROR. */
export class CompressionError extends Error {}

/** One decoded field, in the order the block listed it. */
export type HeaderField = [name: string, value: string];

/**
 * The decoding side of one connection's HPACK context (RFC 7541): its dynamic table, which the
 * peer's header blocks update, bounded by the table size this side advertised.
 */
export class HpackDecoder {
  /** Newest entry last. */
  private readonly entries: HeaderField[] = [];
  private size = 0;
  private capacity: number;
  private readonly scratch = Buffer.allocUnsafe(4096);

  /**
   * @param maxTableSize SETTINGS_HEADER_TABLE_SIZE as advertised (4096 by default)
   * @param maxListSize  the largest decoded block accepted, counted as in §4.1
   */
  constructor(
    private readonly maxTableSize = 4096,
    private readonly maxListSize = 65536,
  ) {
    this.capacity = maxTableSize;
  }

  /** Decodes one complete header block. Throws CompressionError on anything malformed. */
  decode(block: Buffer): HeaderField[] {
    const fields: HeaderField[] = [];
    let listSize = 0;
    let at = 0;
    let fieldsSeen = false;
    try {
      while (at < block.length) {
        const first = block[at];
        let name: string;
        let value: string;
        if (first & 0x80) {
          // Indexed field (§6.1).
          const [index, next] = this.integer(block, at, 7);
          at = next;
          [name, value] = this.lookup(index);
        } else if ((first & 0xe0) === 0x20) {
          // Dynamic table size update (§6.3): only at the start of a block.
          if (fieldsSeen) throw new CompressionError('A table size update follows a header field');
          const [size, next] = this.integer(block, at, 5);
          at = next;
          if (size > this.maxTableSize) throw new CompressionError(`A table size update to ${size} exceeds ${this.maxTableSize}`);
          this.capacity = size;
          this.evict(0);
          continue;
        } else {
          // Literal field: with incremental indexing (01), without indexing (0000), never indexed (0001).
          const indexing = (first & 0xc0) === 0x40;
          const [index, next] = this.integer(block, at, indexing ? 6 : 4);
          at = next;
          if (index === 0) {
            [name, at] = this.string(block, at);
          } else {
            name = this.lookup(index)[0];
          }
          [value, at] = this.string(block, at);
          if (indexing) this.insert(name, value);
        }
        fieldsSeen = true;
        listSize += name.length + value.length + ENTRY_OVERHEAD;
        if (listSize > this.maxListSize) throw new CompressionError(`A header list larger than ${this.maxListSize} octets`);
        fields.push([name, value]);
      }
    } catch (error) {
      if (error instanceof HuffmanError || error instanceof RangeError) throw new CompressionError(error.message);
      throw error;
    }
    return fields;
  }

  /** An integer with an N-bit prefix (§5.1), and where the block continues after it. */
  private integer(block: Buffer, at: number, prefixBits: number): [number, number] {
    const mask = (1 << prefixBits) - 1;
    let value = block[at++] & mask;
    if (value < mask) return [value, at];
    let shift = 0;
    for (;;) {
      if (at >= block.length) throw new CompressionError('A header block ends inside an integer');
      const octet = block[at++];
      value += (octet & 0x7f) * 2 ** shift;
      shift += 7;
      if ((octet & 0x80) === 0) break;
      // Nothing in a block this side accepts needs more than 4 continuation octets.
      if (shift > 28) throw new CompressionError('An integer too large in a header block');
    }
    return [value, at];
  }

  /** A string literal (§5.2), Huffman-coded or not, read as latin1. */
  private string(block: Buffer, at: number): [string, number] {
    if (at >= block.length) throw new CompressionError('A header block ends before a string');
    const huffman = (block[at] & 0x80) !== 0;
    const [length, start] = this.integer(block, at, 7);
    const end = start + length;
    if (end > block.length) throw new CompressionError('A string runs past the end of its header block');
    if (length > this.maxListSize) throw new CompressionError(`A header string longer than ${this.maxListSize} octets`);
    if (huffman) return [huffmanDecode(block, start, length, this.scratch), end];
    return [block.toString('latin1', start, end), end];
  }

  private lookup(index: number): HeaderField | readonly [string, string] {
    if (index === 0) throw new CompressionError('Header field index 0');
    if (index <= STATIC_TABLE.length) return STATIC_TABLE[index - 1];
    const dynamic = index - STATIC_TABLE.length;
    if (dynamic > this.entries.length) throw new CompressionError(`Header field index ${index} is past the table's end`);
    return this.entries[this.entries.length - dynamic];
  }

  private insert(name: string, value: string): void {
    const size = name.length + value.length + ENTRY_OVERHEAD;
    // An entry larger than the table empties it and is not added (§4.4).
    this.evict(size);
    if (size > this.capacity) return;
    this.entries.push([name, value]);
    this.size += size;
  }

  /** Drops the oldest entries until `room` more octets fit. */
  private evict(room: number): void {
    let drop = 0;
    while (this.size + room > this.capacity && drop < this.entries.length) {
      const [name, value] = this.entries[drop++];
      this.size -= name.length + value.length + ENTRY_OVERHEAD;
    }
    if (drop > 0) this.entries.splice(0, drop);
  }
}

const STATIC_NAME_INDEX = new Map<string, number>();
STATIC_TABLE.forEach(([name], i) => {
  if (!STATIC_NAME_INDEX.has(name)) STATIC_NAME_INDEX.set(name, i + 1);
});

const STATUS_INDEX: Record<number, number> = { 200: 8, 204: 9, 206: 10, 304: 11, 400: 12, 404: 13, 500: 14 };

/**
 * The encoding side, for answers: fields as literals without indexing, names by static index
 * where the table has them, strings uncompressed. It never touches the peer's dynamic table, so
 * no state is kept and the peer's table size does not matter (RFC 7541 allows all of this).
 */
export class HpackEncoder {
  private readonly nameCache = new Map<string, Buffer>();

  /** The block for `:status` and the given fields (names lower-cased), appended to `out` from `at`; returns the end. */
  encodeInto(out: Buffer, at: number, status: number, fields: ReadonlyArray<readonly [string, string]>): number {
    const indexed = STATUS_INDEX[status];
    if (indexed !== undefined) {
      out[at++] = 0x80 | indexed;
    } else {
      out[at++] = 0x08; // without indexing, name :status (8)
      at = writeString(out, at, String(status));
    }
    for (const [name, value] of fields) {
      const prefix = this.namePrefix(name);
      at += prefix.copy(out, at);
      at = writeString(out, at, value);
    }
    return at;
  }

  /** An upper bound of the encoded size. */
  static boundOf(fields: ReadonlyArray<readonly [string, string]>): number {
    let bound = 8;
    for (const [name, value] of fields) bound += name.length + value.length + 12;
    return bound;
  }

  private namePrefix(name: string): Buffer {
    let prefix = this.nameCache.get(name);
    if (prefix !== undefined) return prefix;
    const lower = name.toLowerCase();
    const index = STATIC_NAME_INDEX.get(lower);
    if (index !== undefined) {
      // Literal without indexing, indexed name: 0000 + 4-bit prefix index.
      const bytes: number[] = [];
      writeInteger(bytes, index, 4, 0x00);
      prefix = Buffer.from(bytes);
    } else {
      const literal = Buffer.alloc(1 + 5 + lower.length);
      literal[0] = 0x00;
      prefix = literal.subarray(0, writeString(literal, 1, lower));
    }
    if (this.nameCache.size < 256) this.nameCache.set(name, prefix);
    return prefix;
  }
}

function writeInteger(out: number[], value: number, prefixBits: number, flags: number): void {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out.push(flags | value);
    return;
  }
  out.push(flags | max);
  value -= max;
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
}

/** A raw (not Huffman-coded) string literal, latin1. */
function writeString(out: Buffer, at: number, text: string): number {
  const length = text.length;
  if (length < 0x7f) {
    out[at++] = length;
  } else {
    out[at++] = 0x7f;
    let rest = length - 0x7f;
    while (rest >= 0x80) {
      out[at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    out[at++] = rest;
  }
  return at + out.write(text, at, 'latin1');
}
