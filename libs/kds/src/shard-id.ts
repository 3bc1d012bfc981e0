/**
 * Shard ids as AWS writes them: `shardId-` and the shard's index, zero-padded to twelve digits.
 * Indexes are assigned per stream in creation order and never reused (StreamMeta.nextShardIndex).
 */
const MAX_INDEX = 2 ** 31 - 1;

export function formatShardId(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_INDEX) {
    throw new RangeError(`Shard index out of range: ${index}`);
  }
  return 'shardId-' + String(index).padStart(12, '0');
}

/**
 * The index a shard id names, or undefined when it names none. AWS reads only the digits after
 * the first hyphen (or the whole string when there is none), so `shardId-7`, `shard-0007` and `7`
 * all name `shardId-000000000007`; indexes above 2^31 - 1 name no shard.
 */
export function parseShardId(shardId: string): number | undefined {
  const hyphen = shardId.indexOf('-');
  const digits = hyphen < 0 ? shardId : shardId.slice(hyphen + 1).split('-')[0];
  if (!/^\d{1,16}$/.test(digits)) return undefined;
  const index = Number(digits);
  return index <= MAX_INDEX ? index : undefined;
}
