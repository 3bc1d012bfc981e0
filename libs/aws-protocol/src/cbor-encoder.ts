import { ByteWriter } from './byte-writer';

/**
 * Writes operation outputs as CBOR the way the AWS Java SDK reads x-amz-cbor-1.1: Buffers as
 * byte strings, Dates as tag 1 holding integer epoch **milliseconds** (not the RFC's seconds),
 * objects as definite-length maps without their null or undefined members. Blobs are copied
 * once, straight into the output.
 */
export function encodeCbor(value: unknown): Buffer {
  const writer = new ByteWriter();
  writeItem(writer, value);
  return writer.result();
}

function writeItem(writer: ByteWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      return writeText(writer, value);
    case 'number':
      return writeNumber(writer, value);
    case 'boolean':
      return writer.uint8(value ? 0xf5 : 0xf4);
    case 'object':
      if (value === null) return writer.uint8(0xf6);
      if (value instanceof Uint8Array) {
        writeHead(writer, 2, value.byteLength);
        return writer.bytes(value);
      }
      if (value instanceof Date) return writeTimestamp(writer, value);
      if (Array.isArray(value)) return writeArray(writer, value);
      return writeMap(writer, value as Record<string, unknown>);
    default:
      throw new TypeError(`A ${typeof value} cannot be written as CBOR`);
  }
}

function writeArray(writer: ByteWriter, items: unknown[]): void {
  writeHead(writer, 4, items.length);
  for (const item of items) writeItem(writer, item ?? null);
}

function writeMap(writer: ByteWriter, object: Record<string, unknown>): void {
  const keys = Object.keys(object);
  let present = 0;
  for (const key of keys) if (object[key] !== undefined && object[key] !== null) present++;
  writeHead(writer, 5, present);
  for (const key of keys) {
    const member = object[key];
    if (member === undefined || member === null) continue;
    writeText(writer, key);
    writeItem(writer, member);
  }
}

function writeTimestamp(writer: ByteWriter, date: Date): void {
  const millis = date.getTime();
  if (!Number.isFinite(millis)) throw new TypeError('An invalid Date cannot be written as a timestamp');
  writer.uint8(0xc1);
  writeNumber(writer, Math.round(millis));
}

function writeNumber(writer: ByteWriter, value: number): void {
  if (!Number.isSafeInteger(value)) {
    writer.uint8(0xfb);
    return writer.float64(value);
  }
  if (value >= 0) writeHead(writer, 0, value);
  else writeHead(writer, 1, -1 - value);
}

function writeText(writer: ByteWriter, text: string): void {
  const length = Buffer.byteLength(text, 'utf8');
  writeHead(writer, 3, length);
  writer.utf8(text, length);
}

/** The initial byte of a major type and its argument, in the shortest form. */
function writeHead(writer: ByteWriter, major: number, argument: number): void {
  const type = major << 5;
  if (argument < 24) {
    writer.uint8(type | argument);
  } else if (argument < 0x100) {
    writer.uint8(type | 24);
    writer.uint8(argument);
  } else if (argument < 0x10000) {
    writer.uint8(type | 25);
    writer.uint16(argument);
  } else if (argument < 0x100000000) {
    writer.uint8(type | 26);
    writer.uint32(argument);
  } else {
    writer.uint8(type | 27);
    writer.uint32(Math.floor(argument / 0x100000000));
    writer.uint32(argument % 0x100000000);
  }
}
