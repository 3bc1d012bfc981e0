import { createHash } from 'node:crypto';
import { parseExplicitHashKey, partitionKeyHash, recordHashKey } from './hash-key';
import { MAX_HASH_KEY } from './hash-range';
import { failureOf, kinesisFailure } from './testing/kinesis-failure';

describe('hash keys', () => {
  it('hashes a partition key with MD5 as a big-endian 128-bit integer', () => {
    // md5("a") = 0cc175b9c0f1b6a831c399e269772661
    expect(partitionKeyHash('a')).toBe(16955237001963240173058271559858726497n);
    expect(partitionKeyHash('a')).toBe(BigInt('0x0cc175b9c0f1b6a831c399e269772661'));
  });

  it('hashes the UTF-8 bytes of non-ASCII keys', () => {
    const expected = BigInt('0x' + createHash('md5').update(Buffer.from('ключ', 'utf8')).digest('hex'));
    expect(partitionKeyHash('ключ')).toBe(expected);
  });

  it('accepts explicit hash keys from 0 to 2^128 - 1', () => {
    expect(parseExplicitHashKey('0')).toBe(0n);
    expect(parseExplicitHashKey(MAX_HASH_KEY.toString())).toBe(MAX_HASH_KEY);
  });

  it('rejects 2^128 with the message AWS gives', async () => {
    const value = (MAX_HASH_KEY + 1n).toString();
    expect(await failureOf(() => parseExplicitHashKey(value))).toEqual(
      kinesisFailure(
        'InvalidArgumentException',
        `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${value}`,
      ),
    );
  });

  it('routes by the explicit hash key when one is given', () => {
    expect(recordHashKey({ PartitionKey: 'a', ExplicitHashKey: '5' })).toBe(5n);
    expect(recordHashKey({ PartitionKey: 'a' })).toBe(partitionKeyHash('a'));
  });
});
