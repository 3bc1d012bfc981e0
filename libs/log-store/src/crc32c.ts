import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC32C (Castagnoli) of `bytes[start, end)`, continuing from `crc` (a previous result, or 0).
 *
 * A native call costs about as much as checksumming 200 bytes in JavaScript, so short ranges (most
 * Kinesis records, and every frame header) are done here with slicing-by-16 tables and long ones
 * natively. Both give the same result.
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  if (end - start >= NATIVE_FROM_BYTES) {
    return nativeCrc32c(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), crc);
  }
  let c = ~crc;
  let i = start;
  for (; i + 16 <= end; i += 16) {
    const word = c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    c =
      TABLE[15 * 256 + (word & 0xff)] ^
      TABLE[14 * 256 + ((word >>> 8) & 0xff)] ^
      TABLE[13 * 256 + ((word >>> 16) & 0xff)] ^
      TABLE[12 * 256 + (word >>> 24)] ^
      TABLE[11 * 256 + bytes[i + 4]] ^
      TABLE[10 * 256 + bytes[i + 5]] ^
      TABLE[9 * 256 + bytes[i + 6]] ^
      TABLE[8 * 256 + bytes[i + 7]] ^
      TABLE[7 * 256 + bytes[i + 8]] ^
      TABLE[6 * 256 + bytes[i + 9]] ^
      TABLE[5 * 256 + bytes[i + 10]] ^
      TABLE[4 * 256 + bytes[i + 11]] ^
      TABLE[3 * 256 + bytes[i + 12]] ^
      TABLE[2 * 256 + bytes[i + 13]] ^
      TABLE[256 + bytes[i + 14]] ^
      TABLE[bytes[i + 15]];
  }
  for (; i < end; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const NATIVE_FROM_BYTES = 256;
const REFLECTED_POLYNOMIAL = 0x82f63b78;

/** TABLE[k * 256 + b]: the CRC of byte b followed by k zero bytes. */
const TABLE = buildTable();

function buildTable(): Int32Array {
  const table = new Int32Array(16 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ REFLECTED_POLYNOMIAL : c >>> 1;
    table[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    let c = table[b];
    for (let k = 1; k < 16; k++) {
      c = table[c & 0xff] ^ (c >>> 8);
      table[k * 256 + b] = c;
    }
  }
  return table;
}
