import { ByteWriter } from './byte-writer';
import { isWireEncodable } from './wire-encodable';

/**
 * Writes operation outputs as CBOR the way the AWS Java SDK reads x-amz-cbor-1.1: Buffers as
 * byte strings, Dates as tag 1 holding integer epoch **milliseconds** (not the RFC's seconds),
 * objects as definite-length maps without their null or undefined members. Blobs are copied
 * once, straight into the output.
 */
export function encodeCbor(value: unknown): Buffer {
  const writer = new ByteWriter();
  writeCborItem(writer, value);
  return writer.result();
}

/** One data item; a WireEncodable writes itself. */
export function writeCborItem(writer: ByteWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      return writeCborText(writer, value);
    case 'number':
      return writeNumber(writer, value);
    case 'boolean':
      return writer.uint8(value ? 0xf5 : 0xf4);
    case 'object':
      if (value === null) return writer.uint8(0xf6);
      if (value instanceof Uint8Array) {
        writeCborHead(writer, 2, value.byteLength);
        return writer.bytes(value);
      }
      if (value instanceof Date) return writeTimestamp(writer, value);
      if (Array.isArray(value)) return writeArray(writer, value);
      if (isWireEncodable(value)) return value.writeCbor(writer);
      return writeMap(writer, value as Record<string, unknown>);
    default:
      throw new TypeError(`A ${typeof value} cannot be written as CBOR`);
  }
}

function writeArray(writer: ByteWriter, items: unknown[]): void {
  writeCborHead(writer, 4, items.length);
  for (const item of items) writeCborItem(writer, item ?? null);
}

function writeMap(writer: ByteWriter, object: Record<string, unknown>): void {
  const keys = Object.keys(object);
  let present = 0;
  for (const key of keys) if (object[key] !== undefined && object[key] !== null) present++;
  writeCborHead(writer, 5, present);
  for (const key of keys) {
    const member = object[key];
    if (member === undefined || member === null) continue;
    writeCborText(writer, key);
    writeCborItem(writer, member);
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
  if (value >= 0) writeCborHead(writer, 0, value);
  else writeCborHead(writer, 1, -1 - value);
}

export function writeCborText(writer: ByteWriter, text: string): void {
  const length = Buffer.byteLength(text, 'utf8');
  writeCborHead(writer, 3, length);
  writer.utf8(text, length);
}

/** The initial byte of a major type and its argument, in the shortest form. */
export function writeCborHead(writer: ByteWriter, major: number, argument: number): void {
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
