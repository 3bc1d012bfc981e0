/**
 * Sequence numbers: the wire form of a record's position in its shard.
 *
 * A sequence number is the decimal form of a 188-bit integer (always 56 digits, like AWS's):
 *
 *   bits 187..184  0x2          format marker
 *   bits 183..120  position     the record's log offset + 1 (0 is the shard's StartingSequenceNumber,
 *                               which sorts before every record); at most 2^53
 *   bits 119..88   shard index  the number in the shard id, at most 2^31 - 1
 *   bits  87..0    zero         reserved; a non-zero value marks a number that is not ours
 *
 * The position sits above the shard index, so within a shard the numbers grow with the offset, and
 * decoding is a few shifts: AT/AFTER_SEQUENCE_NUMBER become an offset lookup, never a scan.
 */
const MARKER = 0x2n;
const MARKER_SHIFT = 184n;
const POSITION_SHIFT = 120n;
const SHARD_SHIFT = 88n;
const MASK_64 = (1n << 64n) - 1n;
const MASK_32 = (1n << 32n) - 1n;
const RESERVED_MASK = (1n << SHARD_SHIFT) - 1n;
const MAX_POSITION = 2n ** 53n;
const MAX_SHARD_INDEX = 2 ** 31 - 1;

export interface DecodedSequenceNumber {
  shardIndex: number;
  /** The record's offset; -1 for a shard's StartingSequenceNumber. */
  offset: number;
}

/** The sequence number of the record at `offset`; offset -1 gives the shard's StartingSequenceNumber. */
export function encodeSequenceNumber(shardIndex: number, offset: number): string {
  if (!Number.isInteger(shardIndex) || shardIndex < 0 || shardIndex > MAX_SHARD_INDEX) {
    throw new RangeError(`Shard index out of range: ${shardIndex}`);
  }
  if (!Number.isSafeInteger(offset) || offset < -1) throw new RangeError(`Offset out of range: ${offset}`);
  return (
    (MARKER << MARKER_SHIFT) |
    (BigInt(offset + 1) << POSITION_SHIFT) |
    (BigInt(shardIndex) << SHARD_SHIFT)
  ).toString();
}

/** Sorts before every record of the shard; what DescribeStream and ListShards report as its start. */
export function startingSequenceNumber(shardIndex: number): string {
  return encodeSequenceNumber(shardIndex, -1);
}

/** The shard and offset a sequence number encodes, or undefined when Spate did not issue it. */
export function decodeSequenceNumber(sequenceNumber: string): DecodedSequenceNumber | undefined {
  if (!/^[1-9]\d{55}$/.test(sequenceNumber)) return undefined;
  const n = BigInt(sequenceNumber);
  if (n >> MARKER_SHIFT !== MARKER || (n & RESERVED_MASK) !== 0n) return undefined;
  const position = (n >> POSITION_SHIFT) & MASK_64;
  const shardIndex = Number((n >> SHARD_SHIFT) & MASK_32);
  if (position > MAX_POSITION || shardIndex > MAX_SHARD_INDEX) return undefined;
  return { shardIndex, offset: Number(position) - 1 };
}
