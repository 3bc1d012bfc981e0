import { ByteWriter } from './byte-writer';
import type { WireCodec } from './wire-codec';
import { isWireEncodable } from './wire-encodable';

/**
 * AWS JSON 1.1: blobs are base64 strings and timestamps are epoch seconds, fractional when
 * the millisecond part is not zero. Members that are null or undefined are left out, as AWS
 * never sends nulls.
 */
export const json11Codec: WireCodec = {
  protocol: 'json',
  timestampUnitMs: 1000,
  decode: (body) => JSON.parse(body.toString('utf8')),
  encode: (value) => {
    const writer = new ByteWriter();
    writeJsonValue(writer, value);
    return writer.result();
  },
  write: (writer, value) => writeJsonValue(writer, value),
};

const QUOTE = 0x22;
/** Strings of printable ASCII other than `"` and `\` go between quotes as they are, one byte per character. */
const NEEDS_ESCAPING = /["\\]|[^ -~]/;

/**
 * JSON.stringify can only be taught Buffers and Dates through a replacer called for every value,
 * hence this writer. A WireEncodable writes itself.
 */
export function writeJsonValue(writer: ByteWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      return writeJsonString(writer, value);
    case 'number':
      return writer.latin1(Number.isFinite(value) ? String(value) : 'null');
    case 'boolean':
      return writer.latin1(value ? 'true' : 'false');
    case 'object':
      if (value === null) return writer.latin1('null');
      if (value instanceof Uint8Array) return writeBase64(writer, value);
      if (value instanceof Date) return writer.latin1(String(value.getTime() / 1000));
      if (Array.isArray(value)) return writeArray(writer, value);
      if (isWireEncodable(value)) return value.writeJson(writer);
      return writeObject(writer, value as Record<string, unknown>);
    default:
      throw new TypeError(`A ${typeof value} cannot be written as JSON`);
  }
}

function writeArray(writer: ByteWriter, items: unknown[]): void {
  writer.uint8(0x5b);
  for (let i = 0; i < items.length; i++) {
    if (i > 0) writer.uint8(0x2c);
    writeJsonValue(writer, items[i] ?? null);
  }
  writer.uint8(0x5d);
}

function writeObject(writer: ByteWriter, object: Record<string, unknown>): void {
  writer.uint8(0x7b);
  let first = true;
  for (const key of Object.keys(object)) {
    const member = object[key];
    if (member === undefined || member === null) continue;
    if (!first) writer.uint8(0x2c);
    first = false;
    writeJsonString(writer, key);
    writer.uint8(0x3a);
    writeJsonValue(writer, member);
  }
  writer.uint8(0x7d);
}

/**
 * Up to this length a string is copied byte by byte (see ByteWriter.quotedPrintableAscii): member
 * names and short values. Longer ones (56-digit sequence numbers) are cheaper through the regex
 * and one Buffer.write, as measured on Node 20.
 */
const SHORT_STRING = 16;

export function writeJsonString(writer: ByteWriter, text: string): void {
  if (text.length <= SHORT_STRING && writer.quotedPrintableAscii(text)) return;
  if (NEEDS_ESCAPING.test(text)) return writer.utf8(JSON.stringify(text));
  writer.uint8(QUOTE);
  writer.latin1(text);
  writer.uint8(QUOTE);
}

function writeBase64(writer: ByteWriter, bytes: Uint8Array): void {
  writer.uint8(QUOTE);
  writer.latin1(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'));
  writer.uint8(QUOTE);
}
