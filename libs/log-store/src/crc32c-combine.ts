/**
 * CRC32C arithmetic for checking many frames with one pass over their bytes: the CRC of A followed
 * by B is crc(B) xor crc(A)·x^(8·|B|) mod P, so the CRC of a run of frames follows from each
 * frame's stored CRC and length, and comparing it with the CRC of the run's bytes checks them all.
 *
 * Polynomials are 32-bit words in the reflected order CRC32C uses: bit 31 is x^0, bit 0 is x^31.
 */
const REFLECTED_POLYNOMIAL = 0x82f63b78;
const X0 = 0x80000000;

/** crc(A ‖ B) from crc(A), crc(B) and the length of B in bytes. */
export function combineCrc32c(crcA: number, crcB: number, lengthB: number): number {
  const table = shiftTable(lengthB);
  return (
    table[crcA & 0xff] ^
    table[256 + ((crcA >>> 8) & 0xff)] ^
    table[512 + ((crcA >>> 16) & 0xff)] ^
    table[768 + (crcA >>> 24)] ^
    crcB
  ) >>> 0;
}

/**
 * Multiplying by x^(8·bytes) is linear, so it is four lookups in a table of what each byte of the
 * multiplicand contributes: table[256·j + v] = (v << 8j)·x^(8·bytes) mod P. Records of one size are
 * common, so the tables of the last few sizes are kept.
 */
function shiftTable(bytes: number): Int32Array {
  let table = recentTables.get(bytes);
  if (table !== undefined) return table;
  const power = xPowerOfBytes(bytes);
  table = new Int32Array(1024);
  for (let j = 0; j < 4; j++) {
    for (let v = 1; v < 256; v++) {
      const low = v & -v;
      table[256 * j + v] = v === low ? multiplyModP(v << (8 * j), power) : table[256 * j + (v ^ low)] ^ table[256 * j + low];
    }
  }
  if (recentTables.size >= RECENT_TABLES) recentTables.clear();
  recentTables.set(bytes, table);
  return table;
}

const recentTables = new Map<number, Int32Array>();
const RECENT_TABLES = 64;

/** a·b mod P. */
function multiplyModP(a: number, b: number): number {
  let product = 0;
  for (let bit = X0; bit !== 0; bit >>>= 1) {
    if ((a & bit) !== 0) {
      product ^= b;
      if ((a & (bit - 1)) === 0) break;
    }
    b = b & 1 ? (b >>> 1) ^ REFLECTED_POLYNOMIAL : b >>> 1;
  }
  return product >>> 0;
}

/** X_POWERS[k] = x^(2^k) mod P, enough for any length a frame can have. */
const X_POWERS: number[] = [X0 >>> 1];
for (let k = 1; k < 40; k++) X_POWERS.push(multiplyModP(X_POWERS[k - 1], X_POWERS[k - 1]));

/** x^(8·bytes) mod P. */
function xPowerOfBytes(bytes: number): number {
  let power = X0;
  for (let k = 3, rest = bytes; rest > 0; k++, rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) power = multiplyModP(power, X_POWERS[k]);
  }
  return power;
}
