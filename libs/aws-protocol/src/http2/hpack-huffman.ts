/**
 * HPACK's Huffman code (RFC 7541 Appendix B). The code is canonical: codes of one length are
 * consecutive and ordered by symbol, shorter lengths first. So the table is just each symbol's
 * code length (256 octets and EOS, symbol 256), and the codes follow from it.
 */
const CODE_LENGTHS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];

const EOS = 256;

/** Each symbol's code, right-aligned in `CODE_LENGTHS[symbol]` bits. */
export const HUFFMAN_CODES: readonly number[] = canonicalCodes(CODE_LENGTHS);
export const HUFFMAN_CODE_LENGTHS = CODE_LENGTHS;

function canonicalCodes(lengths: readonly number[]): number[] {
  const codes = new Array<number>(lengths.length).fill(0);
  let code = 0;
  let previous = 0;
  for (let length = 1; length <= 30; length++) {
    for (let symbol = 0; symbol < lengths.length; symbol++) {
      if (lengths[symbol] !== length) continue;
      if (previous !== 0) code = (code + 1) * 2 ** (length - previous);
      previous = length;
      codes[symbol] = code;
    }
  }
  return codes;
}

/**
 * Decoding walks the code's binary tree four bits at a time: for each inner node and nibble, a
 * table says the node reached, the symbol completed on the way (the shortest code has 5 bits, so
 * at most one), and whether the input may end there.
 */
enum Transition {
  /** A symbol was completed; it is in bits 8–16. */
  Emits = 1,
  /** The bits since the last symbol are a valid padding: fewer than 8, all ones (a prefix of EOS). */
  MayEnd = 2,
  /** The nibble completed EOS, which a string must not contain. */
  Fails = 4,
}

interface Tree {
  /** Per inner node: the child for bit 0 and bit 1; a leaf is `-1 - symbol`. */
  children: Int32Array;
  /** Per inner node: its depth, or -1 unless the path to it is all ones. */
  onesDepth: Int8Array;
  count: number;
}

function buildTree(): Tree {
  const children = new Int32Array(2 * 256).fill(0);
  const onesDepth = new Int8Array(256).fill(-1);
  onesDepth[0] = 0;
  let count = 1;
  for (let symbol = 0; symbol <= EOS; symbol++) {
    const length = CODE_LENGTHS[symbol];
    const code = HUFFMAN_CODES[symbol];
    let node = 0;
    for (let bit = length - 1; bit >= 0; bit--) {
      const b = Math.floor(code / 2 ** bit) % 2;
      const slot = node * 2 + b;
      if (bit === 0) {
        children[slot] = -1 - symbol;
        break;
      }
      if (children[slot] === 0) {
        children[slot] = count;
        onesDepth[count] = onesDepth[node] >= 0 && b === 1 ? onesDepth[node] + 1 : -1;
        count++;
      }
      node = children[slot];
    }
  }
  return { children, onesDepth, count };
}

/** Per (node × 16 + nibble): next node in bits 0–7 of `NEXT`, flags and symbol in `STEP`. */
const { NEXT, STEP } = buildTable();

function buildTable(): { NEXT: Uint8Array; STEP: Uint32Array } {
  const tree = buildTree();
  const next = new Uint8Array(tree.count * 16);
  const step = new Uint32Array(tree.count * 16);
  for (let start = 0; start < tree.count; start++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = start;
      let flags = 0;
      let symbol = 0;
      for (let bit = 3; bit >= 0; bit--) {
        const child = tree.children[node * 2 + ((nibble >> bit) & 1)];
        if (child < 0) {
          symbol = -1 - child;
          flags |= symbol === EOS ? Transition.Fails : Transition.Emits;
          node = 0;
        } else {
          node = child;
        }
      }
      const depth = tree.onesDepth[node];
      if (depth >= 0 && depth < 8) flags |= Transition.MayEnd;
      next[start * 16 + nibble] = node;
      step[start * 16 + nibble] = flags | (symbol << 8);
    }
  }
  return { NEXT: next, STEP: step };
}

export class HuffmanError extends Error {}

/** Decodes `length` octets of Huffman-coded text from `source` at `offset` into a latin1 string. */
export function huffmanDecode(source: Uint8Array, offset: number, length: number, scratch: Buffer): string {
  // Every symbol takes at least 5 bits, so the text is at most 8/5 of the code's length.
  const out = scratch.length * 5 >= length * 8 ? scratch : Buffer.allocUnsafe(Math.ceil((length * 8) / 5));
  let written = 0;
  let node = 0;
  let flags = Transition.MayEnd;
  const end = offset + length;
  for (let i = offset; i < end; i++) {
    const octet = source[i];
    let at = node * 16 + (octet >> 4);
    flags = STEP[at];
    if (flags & Transition.Fails) throw new HuffmanError('A Huffman-coded string contains EOS');
    if (flags & Transition.Emits) out[written++] = flags >> 8;
    node = NEXT[at];
    at = node * 16 + (octet & 0x0f);
    flags = STEP[at];
    if (flags & Transition.Fails) throw new HuffmanError('A Huffman-coded string contains EOS');
    if (flags & Transition.Emits) out[written++] = flags >> 8;
    node = NEXT[at];
  }
  if ((flags & Transition.MayEnd) === 0) throw new HuffmanError('A Huffman-coded string ends in an invalid padding');
  return out.toString('latin1', 0, written);
}

/** The Huffman coding of a latin1 string (the encoder side is used by tests and clients). */
export function huffmanEncode(text: string): Buffer {
  let bits = 0;
  for (let i = 0; i < text.length; i++) bits += CODE_LENGTHS[text.charCodeAt(i) & 0xff];
  const out = Buffer.alloc(Math.ceil(bits / 8));
  let accumulator = 0;
  let pending = 0;
  let written = 0;
  for (let i = 0; i < text.length; i++) {
    const symbol = text.charCodeAt(i) & 0xff;
    let length = CODE_LENGTHS[symbol];
    const code = HUFFMAN_CODES[symbol];
    while (length > 0) {
      const take = Math.min(length, 8 - pending);
      const chunk = Math.floor(code / 2 ** (length - take)) % 2 ** take;
      accumulator = (accumulator << take) | chunk;
      pending += take;
      length -= take;
      if (pending === 8) {
        out[written++] = accumulator;
        accumulator = 0;
        pending = 0;
      }
    }
  }
  if (pending > 0) out[written] = (accumulator << (8 - pending)) | ((1 << (8 - pending)) - 1);
  return out;
}
