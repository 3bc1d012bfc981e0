import { decodeSequenceNumber, encodeSequenceNumber, startingSequenceNumber } from './sequence-number';

describe('sequence numbers', () => {
  it('are 56-digit decimal strings, like AWS sequence numbers', () => {
    for (const [shard, offset] of [[0, -1], [0, 0], [7, 123], [2 ** 31 - 1, Number.MAX_SAFE_INTEGER]]) {
      expect(encodeSequenceNumber(shard, offset)).toMatch(/^[1-9]\d{55}$/);
    }
  });

  it('round-trip shard index and offset', () => {
    for (const [shard, offset] of [[0, 0], [1, 1], [42, 999_999], [2 ** 31 - 1, Number.MAX_SAFE_INTEGER], [3, -1]]) {
      expect(decodeSequenceNumber(encodeSequenceNumber(shard, offset))).toEqual({ shardIndex: shard, offset });
    }
  });

  it('increase strictly with the offset within a shard, as big integers', () => {
    let previous = BigInt(startingSequenceNumber(5));
    for (const offset of [0, 1, 2, 255, 256, 65_536, 2 ** 32, 2 ** 40 + 1, Number.MAX_SAFE_INTEGER]) {
      const current = BigInt(encodeSequenceNumber(5, offset));
      expect(current > previous).toBe(true);
      previous = current;
    }
  });

  it('starts each shard below its first record', () => {
    expect(decodeSequenceNumber(startingSequenceNumber(9))).toEqual({ shardIndex: 9, offset: -1 });
    expect(BigInt(startingSequenceNumber(9)) < BigInt(encodeSequenceNumber(9, 0))).toBe(true);
  });

  it('rejects numbers Spate did not issue', () => {
    const ours = BigInt(encodeSequenceNumber(1, 1));
    const notOurs = [
      '0',
      '5',
      '21267647932558653966460912964485513216',
      // An AWS sequence number: the right length, but its low bits are not zero.
      '49590338271490256608559692538361571095921575989136588898',
      (ours + 1n).toString(),
      (ours | (3n << 184n)).toString(),
      '1' + '0'.repeat(55),
      '9'.repeat(56),
      '0' + encodeSequenceNumber(1, 1).slice(1),
    ];
    for (const s of notOurs) expect(decodeSequenceNumber(s)).toBeUndefined();
  });

  it('refuses to encode what it cannot decode', () => {
    expect(() => encodeSequenceNumber(-1, 0)).toThrow(RangeError);
    expect(() => encodeSequenceNumber(2 ** 31, 0)).toThrow(RangeError);
    expect(() => encodeSequenceNumber(0, -2)).toThrow(RangeError);
    expect(() => encodeSequenceNumber(0, 0.5)).toThrow(RangeError);
  });
});
