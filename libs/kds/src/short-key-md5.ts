/**
 * MD5 (RFC 1321) of a string of at most 55 ASCII characters, which fits one 64-byte block with its
 * padding, written as four big-endian 32-bit words into `words[at..at + 3]`; returns false, having
 * written nothing, for any other string. Partition keys are mostly such strings and PutRecords
 * hashes every record's: this allocates nothing, where js-md5 makes an object, an ArrayBuffer with
 * two views and a digest array per call, which in the server cost more than the hashing itself.
 */
export function md5ShortAscii(text: string, words: Uint32Array, at: number): boolean {
  const length = text.length;
  if (length > MAX_SHORT_LENGTH) return false;
  const m = BLOCK;
  m.fill(0);
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return false;
    m[i >> 2] |= c << ((i & 3) * 8);
  }
  m[length >> 2] |= 0x80 << ((length & 3) * 8);
  m[14] = length * 8;

  let a = A0;
  let b = B0;
  let c = C0;
  let d = D0;
  for (let i = 0; i < 16; i++) {
    const f = (a + ((b & c) | (~b & d)) + K[i] + m[i]) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + rotate(f, S[i])) | 0;
  }
  for (let i = 16; i < 32; i++) {
    const f = (a + ((d & b) | (~d & c)) + K[i] + m[(5 * i + 1) & 15]) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + rotate(f, S[i])) | 0;
  }
  for (let i = 32; i < 48; i++) {
    const f = (a + (b ^ c ^ d) + K[i] + m[(3 * i + 5) & 15]) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + rotate(f, S[i])) | 0;
  }
  for (let i = 48; i < 64; i++) {
    const f = (a + (c ^ (b | ~d)) + K[i] + m[(7 * i) & 15]) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + rotate(f, S[i])) | 0;
  }
  // The digest is the four state words little-endian; the hash key reads it big-endian.
  words[at] = swapBytes((a + A0) | 0);
  words[at + 1] = swapBytes((b + B0) | 0);
  words[at + 2] = swapBytes((c + C0) | 0);
  words[at + 3] = swapBytes((d + D0) | 0);
  return true;
}

/** 64 bytes less the 0x80 pad byte and the 8-byte bit length. */
const MAX_SHORT_LENGTH = 55;
/** The one block, little-endian words; reused by every call (it is filled and read synchronously). */
const BLOCK = new Int32Array(16);
const A0 = 0x67452301;
const B0 = 0xefcdab89 | 0;
const C0 = 0x98badcfe | 0;
const D0 = 0x10325476;
/** K[i] = floor(2^32 × |sin(i + 1)|), as RFC 1321 defines it. */
const K = Int32Array.from({ length: 64 }, (_, i) => Math.floor(2 ** 32 * Math.abs(Math.sin(i + 1))) | 0);
/** The rotation of each step: four per round, repeated. */
const ROTATIONS = [
  [7, 12, 17, 22],
  [5, 9, 14, 20],
  [4, 11, 16, 23],
  [6, 10, 15, 21],
];
const S = Int32Array.from({ length: 64 }, (_, i) => ROTATIONS[i >> 4][i & 3]);

function rotate(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

function swapBytes(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}
