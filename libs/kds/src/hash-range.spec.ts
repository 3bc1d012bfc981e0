import { evenHashRanges, MAX_HASH_KEY } from './hash-range';

describe('hash ranges', () => {
  it('MAX_HASH_KEY is 2^128 - 1', () => {
    expect(MAX_HASH_KEY.toString()).toBe('340282366920938463463374607431768211455');
  });

  it('lays out one shard over the whole space', () => {
    expect(evenHashRanges(1)).toEqual([{ start: 0n, end: MAX_HASH_KEY }]);
  });

  it('matches the ranges AWS gives a new three-shard stream', () => {
    expect(evenHashRanges(3).map((r) => [r.start.toString(), r.end.toString()])).toEqual([
      ['0', '113427455640312821154458202477256070484'],
      ['113427455640312821154458202477256070485', '226854911280625642308916404954512140969'],
      ['226854911280625642308916404954512140970', '340282366920938463463374607431768211455'],
    ]);
  });

  it('tiles the space without gaps or overlaps for any count', () => {
    for (const count of [2, 5, 7, 64, 1000]) {
      const ranges = evenHashRanges(count);
      expect(ranges).toHaveLength(count);
      expect(ranges[0].start).toBe(0n);
      expect(ranges[count - 1].end).toBe(MAX_HASH_KEY);
      for (let i = 1; i < count; i++) expect(ranges[i].start).toBe(ranges[i - 1].end + 1n);
    }
  });

  it('rejects a count below one', () => {
    expect(() => evenHashRanges(0)).toThrow(RangeError);
  });
});
