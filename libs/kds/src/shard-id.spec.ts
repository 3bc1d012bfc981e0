import { formatShardId, parseShardId } from './shard-id';

describe('shard ids', () => {
  it('formats an index as AWS does', () => {
    expect(formatShardId(0)).toBe('shardId-000000000000');
    expect(formatShardId(7)).toBe('shardId-000000000007');
    expect(formatShardId(2147483647)).toBe('shardId-002147483647');
  });

  it('rejects indexes that do not fit', () => {
    expect(() => formatShardId(-1)).toThrow(RangeError);
    expect(() => formatShardId(1.5)).toThrow(RangeError);
    expect(() => formatShardId(2 ** 31)).toThrow(RangeError);
  });

  it('parses its own output and the short forms AWS accepts', () => {
    expect(parseShardId('shardId-000000000042')).toBe(42);
    expect(parseShardId('shardId-42')).toBe(42);
    expect(parseShardId('42')).toBe(42);
    expect(parseShardId('anything-0007')).toBe(7);
    expect(parseShardId('-00002147483647')).toBe(2147483647);
  });

  it('returns undefined for strings that name no shard', () => {
    for (const s of ['', 'shardId-', 'ABKLFD8', '2.14E4', 'shardId-00000000000x', 'a-b-0', '2147483648', 'shardId-002147483648']) {
      expect(parseShardId(s)).toBeUndefined();
    }
  });
});
