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
 * sequence-number.ts): seven additions of eight-digit limbs, each written as it is summed, four
 * ASCII digits at a time from a table, where a BigInt and its toString per record cost several
 * times more. Any other step starts again from encodeSequenceNumber.
 */
export class SequenceNumberDigits {
  /** How many digits every sequence number has. */
  static readonly length = SEQUENCE_NUMBER_LENGTH;
  /** Below 10^8, so a sum of two and a carry stays a small integer. */
  private readonly limbs = new Int32Array(LIMBS);
  private offset = Number.NaN;
  /** The last target written to and a view of it: encoders write many numbers into one buffer. */
  private target: Uint8Array | undefined;
  private view: DataView<ArrayBufferLike> | undefined;

  constructor(private readonly shardIndex: number) {}

  /** Writes the digits of the sequence number of `offset` to `target[at, at + length)`. */
  write(offset: number, target: Uint8Array, at: number): void {
    const { limbs } = this;
    let { view } = this;
    if (target !== this.target || view === undefined) {
      this.target = target;
      view = this.view = new DataView(target.buffer, target.byteOffset, target.byteLength);
    }
    if (offset !== this.offset + 1) {
      const text = encodeSequenceNumber(this.shardIndex, offset);
      // Less one step, which the loop below adds back.
      let borrow = 0;
      for (let i = LIMBS - 1; i >= 0; i--) {
        const limb = Number(text.slice(i * LIMB_DIGITS, (i + 1) * LIMB_DIGITS)) - STEP[i] - borrow;
        borrow = limb < 0 ? 1 : 0;
        limbs[i] = limb + borrow * LIMB;
      }
    }
    this.offset = offset;
    // Every sequence number has the same count of digits, so nothing carries out of the top limb.
    let carry = 0;
    for (let i = LIMBS - 1; i >= 0; i--) {
      let limb = limbs[i] + STEP[i] + carry;
      carry = limb >= LIMB ? 1 : 0;
      limb -= carry * LIMB;
      limbs[i] = limb;
      const high = (limb / HALF_LIMB) | 0;
      view.setUint32(at + i * LIMB_DIGITS, QUADS[high], true);
      view.setUint32(at + i * LIMB_DIGITS + 4, QUADS[limb - high * HALF_LIMB], true);
    }
  }
}

/** 2^120, the distance between consecutive sequence numbers, in limbs. */
const STEP = Int32Array.from({ length: LIMBS }, (_, i) =>
  Number((2n ** 120n).toString().padStart(SEQUENCE_NUMBER_LENGTH, '0').slice(i * LIMB_DIGITS, (i + 1) * LIMB_DIGITS)),
);

/** QUADS[n]: the four ASCII digits of n, zero-padded, for n below 10,000, as a little-endian word. */
const QUADS = Uint32Array.from({ length: HALF_LIMB }, (_, n) => Buffer.from(String(n).padStart(4, '0'), 'latin1').readUInt32LE(0));
