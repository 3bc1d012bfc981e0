/** The hash key space of a stream: every record's 128-bit hash key lies in 0..MAX_HASH_KEY. */
export const MAX_HASH_KEY = (1n << 128n) - 1n;

export interface HashRange {
  /** Inclusive bounds. */
  start: bigint;
  end: bigint;
}

/**
 * `count` contiguous ranges tiling 0..MAX_HASH_KEY as AWS lays out a new stream: each range is
 * floor(2^128 / count) wide and the last one absorbs the remainder up to MAX_HASH_KEY.
 */
export function evenHashRanges(count: number): HashRange[] {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`Shard count must be positive: ${count}`);
  const width = (MAX_HASH_KEY + 1n) / BigInt(count);
  const ranges: HashRange[] = [];
  for (let i = 0; i < count; i++) {
    const start = width * BigInt(i);
    ranges.push({ start, end: i === count - 1 ? MAX_HASH_KEY : start + width - 1n });
  }
  return ranges;
}
