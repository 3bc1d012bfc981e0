import { targetOf, type ServiceModel, type Shape } from './service-model';
import { CompiledShapes } from './compiled-shapes';

/**
 * Reads a JSON 1.1 request body straight from its bytes into the operation's shaped input, with no
 * intermediate string, parsed tree or base64 text: what a PutRecords body of 500 records costs
 * most of its time on otherwise.
 *
 * It reads only the plain subset that clients send: structures whose members are all modelled and
 * appear once, lists, strings of printable ASCII without escapes, canonical base64 blobs, small
 * non-negative integers, and JSON whitespace. On anything else (null, an escape, an unknown
 * member, a number or value of another kind, a malformed or non-canonical body) it answers
 * undefined, and the caller goes the generic way (JSON.parse, shapeInput), which reads it or words
 * its error. So an input it returns is exactly what that way would have built, member order
 * included; a spec holds it to that on random and hostile bodies.
 */
export function readJsonInput(model: ServiceModel, shapeName: string, body: Buffer): Record<string, unknown> | undefined {
  let compiler = compilers.get(model);
  if (!compiler) compilers.set(model, (compiler = new ReaderCompiler(model)));
  const cursor: Cursor = { bytes: body, at: 0, blobs: EMPTY, blobsAt: 0 };
  skipWhitespace(cursor);
  const input = compiler.reader(shapeName)(cursor);
  if (input === undefined) return undefined;
  skipWhitespace(cursor);
  return cursor.at === body.length ? (input as Record<string, unknown>) : undefined;
}

interface Cursor {
  bytes: Buffer;
  /** The next byte to read. */
  at: number;
  /** Where blobs are decoded, one after another (see readBlob), and the next free byte there. */
  blobs: Buffer;
  blobsAt: number;
}

const EMPTY = Buffer.alloc(0);

/** Reads one value at the cursor (after any whitespace); undefined means "not read here". */
type ReadFn = (cursor: Cursor) => unknown;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const EQUALS = 0x3d;
const ZERO = 0x30;
const NINE = 0x39;
/** Integers up to this many digits are below 2^31: the same Integer or Long the shaper makes. */
const MAX_INTEGER_DIGITS = 9;
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Alphabet index of each byte, -1 for bytes outside it. */
const BASE64_VALUES = new Int8Array(256).fill(-1);
for (let i = 0; i < BASE64_ALPHABET.length; i++) BASE64_VALUES[BASE64_ALPHABET.charCodeAt(i)] = i;

/** One reader per shape, built on first use and kept with the model, like the shaper's functions. */
const compilers = new WeakMap<ServiceModel, ReaderCompiler>();

class ReaderCompiler {
  private readonly shapes: CompiledShapes<ReadFn>;

  constructor(private readonly model: ServiceModel) {
    this.shapes = new CompiledShapes(model, (shape) => this.build(shape));
  }

  reader(shapeName: string): ReadFn {
    return this.shapes.get(shapeName);
  }

  private build(shape: Shape): ReadFn {
    switch (shape.type) {
      case 'structure':
        return this.buildStructure(shape);
      case 'list': {
        const member = this.reader(targetOf(shape.member));
        return (cursor) => readList(cursor, member);
      }
      case 'string':
        return readString;
      case 'blob':
        return readBlob;
      case 'integer':
      case 'long':
        return readSmallInteger;
      default:
        return () => undefined;
    }
  }

  private buildStructure(shape: Shape): ReadFn {
    const members = Object.entries(shape.members ?? {}).map(([name, ref]) => ({
      name,
      bytes: Buffer.from(name, 'latin1'),
      read: this.reader(ref.shape),
    }));
    if (members.some(({ name }) => !isPlainName(name))) return () => undefined;
    return (cursor) => {
      const { bytes } = cursor;
      if (bytes[cursor.at] !== OPEN_BRACE) return undefined;
      cursor.at++;
      const values = new Array<unknown>(members.length);
      skipWhitespace(cursor);
      if (bytes[cursor.at] === CLOSE_BRACE) {
        cursor.at++;
        return {};
      }
      for (;;) {
        if (bytes[cursor.at] !== QUOTE) return undefined;
        const nameEnd = plainStringEnd(bytes, cursor.at + 1);
        if (nameEnd < 0) return undefined;
        const index = memberIndex(members, bytes, cursor.at + 1, nameEnd);
        if (index < 0 || values[index] !== undefined) return undefined;
        cursor.at = nameEnd + 1;
        skipWhitespace(cursor);
        if (bytes[cursor.at] !== COLON) return undefined;
        cursor.at++;
        skipWhitespace(cursor);
        const value = members[index].read(cursor);
        if (value === undefined) return undefined;
        values[index] = value;
        skipWhitespace(cursor);
        const next = bytes[cursor.at++];
        if (next === CLOSE_BRACE) break;
        if (next !== COMMA) return undefined;
        skipWhitespace(cursor);
      }
      // In model order, as the shaper builds it.
      const shaped: Record<string, unknown> = {};
      for (let i = 0; i < members.length; i++) if (values[i] !== undefined) shaped[members[i].name] = values[i];
      return shaped;
    };
  }
}

function readList(cursor: Cursor, member: ReadFn): unknown[] | undefined {
  const { bytes } = cursor;
  if (bytes[cursor.at] !== OPEN_BRACKET) return undefined;
  cursor.at++;
  const items: unknown[] = [];
  skipWhitespace(cursor);
  if (bytes[cursor.at] === CLOSE_BRACKET) {
    cursor.at++;
    return items;
  }
  for (;;) {
    const item = member(cursor);
    if (item === undefined) return undefined;
    items.push(item);
    skipWhitespace(cursor);
    const next = bytes[cursor.at++];
    if (next === CLOSE_BRACKET) return items;
    if (next !== COMMA) return undefined;
    skipWhitespace(cursor);
  }
}

function readString(cursor: Cursor): string | undefined {
  const { bytes, at } = cursor;
  if (bytes[at] !== QUOTE) return undefined;
  const end = plainStringEnd(bytes, at + 1);
  if (end < 0) return undefined;
  cursor.at = end + 1;
  return bytes.toString('latin1', at + 1, end);
}

/**
 * A blob is read only when its text is canonical base64, the one form decodeBase64Blob accepts
 * without a word. Node's decoder skips what is not base64, stops at padding and takes the URL-safe
 * alphabet too, so the text is canonical exactly when the decoded length is the one its length and
 * padding promise, it holds no `-` or `_`, and no bits are left over in its last character.
 *
 * Blobs are decoded into one buffer per body, sized by the rest of the body (which holds every
 * blob still to come), and returned as views of it: a PutRecords body's 500 records then cost one
 * allocation instead of one each. The decoder writes at most the promised length there, as
 * Buffer.from does into a buffer of that length, so it reads the same bytes.
 */
function readBlob(cursor: Cursor): Buffer | undefined {
  const { bytes, at } = cursor;
  if (bytes[at] !== QUOTE) return undefined;
  const start = at + 1;
  const end = bytes.indexOf(QUOTE, start);
  const length = end - start;
  if (end < 0 || (length & 3) !== 0) return undefined;
  const padding = length === 0 || bytes[end - 1] !== EQUALS ? 0 : bytes[end - 2] === EQUALS ? 2 : 1;
  if (padding > 0 && (BASE64_VALUES[bytes[end - padding - 1]] & (padding === 2 ? 0x0f : 0x03)) !== 0) return undefined;
  const size = (length >> 2) * 3 - padding;
  if (cursor.blobsAt + size > cursor.blobs.length) {
    cursor.blobs = Buffer.allocUnsafe(((bytes.length - start) >> 2) * 3);
    cursor.blobsAt = 0;
  }
  const { blobs, blobsAt } = cursor;
  const text = bytes.toString('latin1', start, end);
  if (blobs.write(text, blobsAt, size, 'base64') !== size || text.indexOf('-') >= 0 || text.indexOf('_') >= 0) return undefined;
  cursor.at = end + 1;
  cursor.blobsAt = blobsAt + size;
  return blobs.subarray(blobsAt, blobsAt + size);
}

function readSmallInteger(cursor: Cursor): number | undefined {
  const { bytes } = cursor;
  const start = cursor.at;
  let value = 0;
  let at = start;
  for (; at < bytes.length && bytes[at] >= ZERO && bytes[at] <= NINE; at++) value = value * 10 + bytes[at] - ZERO;
  const digits = at - start;
  // JSON forbids leading zeros; a fraction or an exponent goes the generic way.
  if (digits === 0 || digits > MAX_INTEGER_DIGITS || (digits > 1 && bytes[start] === ZERO)) return undefined;
  const next = bytes[at];
  if (next === 0x2e || next === 0x65 || next === 0x45) return undefined;
  cursor.at = at;
  return value;
}

/** Where the string starting at `at` ends (its closing quote), or -1 if it holds anything but printable ASCII. */
function plainStringEnd(bytes: Buffer, at: number): number {
  for (let i = at; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) return i;
    if (byte < 0x20 || byte > 0x7e || byte === BACKSLASH) return -1;
  }
  return -1;
}

function memberIndex(members: readonly { bytes: Buffer }[], bytes: Buffer, start: number, end: number): number {
  const length = end - start;
  next: for (let m = 0; m < members.length; m++) {
    const name = members[m].bytes;
    if (name.length !== length) continue;
    for (let i = 0; i < length; i++) if (name[i] !== bytes[start + i]) continue next;
    return m;
  }
  return -1;
}

function isPlainName(name: string): boolean {
  return /^[ -~]*$/.test(name) && !/["\\]/.test(name);
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
function skipWhitespace(cursor: Cursor): void {
  const { bytes } = cursor;
  let at = cursor.at;
  for (;;) {
    const byte = bytes[at];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
    at++;
  }
  cursor.at = at;
}
