import { encodeSequenceNumber } from './sequence-number';

const SEQUENCE_NUMBER_LENGTH = encodeSequenceNumber(0, 0).length;
/** The number is held as limbs of eight decimal digits, most significant first. */
const LIMB_DIGITS = 8;
const LIMB = 10 ** LIMB_DIGITS;
const LIMBS = SEQUENCE_NUMBER_LENGTH / LIMB_DIGITS;
const HALF_LIMB = 10 ** (LIMB_DIGITS / 2);

/**
 * The decimal digits (ASCII) of one shard's sequence numbers, for encoders that write many of them
 * in offset order. The number of the next offset is the previous one plus 2^120 (see
 * sequence-number.ts): seven additions of eight-digit limbs, then four ASCII digits at a time from
 * a table, where a BigInt and its toString per record cost several times more. Any other step
 * starts again from encodeSequenceNumber.
 */
export class SequenceNumberDigits {
  /** How many digits every sequence number has. */
  static readonly length = SEQUENCE_NUMBER_LENGTH;
  private readonly limbs = new Float64Array(LIMBS);
  private offset = Number.NaN;

  constructor(private readonly shardIndex: number) {}

  /** Writes the digits of the sequence number of `offset` to `target[at, at + length)`. */
  write(offset: number, target: Uint8Array, at: number): void {
    const { limbs } = this;
    if (offset === this.offset + 1) {
      // Every sequence number has the same count of digits, so nothing carries out of the top limb.
      let carry = 0;
      for (let i = LIMBS - 1; i >= 0; i--) {
        const sum = limbs[i] + STEP[i] + carry;
        carry = sum >= LIMB ? 1 : 0;
        limbs[i] = sum - carry * LIMB;
      }
    } else {
      const text = encodeSequenceNumber(this.shardIndex, offset);
      for (let i = 0; i < LIMBS; i++) limbs[i] = Number(text.slice(i * LIMB_DIGITS, (i + 1) * LIMB_DIGITS));
    }
    this.offset = offset;
    for (let i = 0; i < LIMBS; i++) {
      const high = Math.floor(limbs[i] / HALF_LIMB);
      writeQuad(target, at + i * LIMB_DIGITS, high);
      writeQuad(target, at + i * LIMB_DIGITS + 4, limbs[i] - high * HALF_LIMB);
    }
  }
}

/** 2^120, the distance between consecutive sequence numbers, in limbs. */
const STEP = Float64Array.from({ length: LIMBS }, (_, i) =>
  Number((2n ** 120n).toString().padStart(SEQUENCE_NUMBER_LENGTH, '0').slice(i * LIMB_DIGITS, (i + 1) * LIMB_DIGITS)),
);

/** QUADS[4n, 4n + 4): the four ASCII digits of n, zero-padded, for n below 10,000. */
const QUADS = Buffer.from(Array.from({ length: HALF_LIMB }, (_, n) => String(n).padStart(4, '0')).join(''), 'latin1');

function writeQuad(target: Uint8Array, at: number, value: number): void {
  const from = 4 * value;
  target[at] = QUADS[from];
  target[at + 1] = QUADS[from + 1];
  target[at + 2] = QUADS[from + 2];
  target[at + 3] = QUADS[from + 3];
}
