import { crc32 } from '@node-rs/crc32';

/** Prelude (total length, headers length, prelude CRC) plus the trailing message CRC. */
const FRAME_OVERHEAD = 16;
const STRING_HEADER = 7;

/**
 * One frame of the AWS event-stream encoding (`application/vnd.amazon.eventstream`), with every
 * header a string: big-endian total length and headers length, the CRC-32 of those 8 bytes, the
 * headers (name length u8, name, type 7, value length u16, value), the payload, and the CRC-32 of
 * everything before it.
 */
export function encodeEventStreamMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const encoded = Object.entries(headers).map(([name, value]) => [Buffer.from(name, 'utf8'), Buffer.from(value, 'utf8')] as const);
  let headersLength = 0;
  for (const [name, value] of encoded) {
    if (name.length > 0xff) throw new RangeError(`Event-stream header name too long: ${name.toString()}`);
    if (value.length > 0xffff) throw new RangeError(`Event-stream header ${name.toString()} has a value too long`);
    headersLength += 1 + name.length + 1 + 2 + value.length;
  }
  const total = FRAME_OVERHEAD + headersLength + payload.length;
  const frame = Buffer.allocUnsafe(total);
  frame.writeUInt32BE(total, 0);
  frame.writeUInt32BE(headersLength, 4);
  frame.writeUInt32BE(crc32(frame.subarray(0, 8)), 8);
  let offset = 12;
  for (const [name, value] of encoded) {
    frame[offset++] = name.length;
    offset += name.copy(frame, offset);
    frame[offset++] = STRING_HEADER;
    frame.writeUInt16BE(value.length, offset);
    offset += 2 + value.copy(frame, offset + 2);
  }
  offset += payload.copy(frame, offset);
  frame.writeUInt32BE(crc32(frame.subarray(0, offset)), offset);
  return frame;
}
