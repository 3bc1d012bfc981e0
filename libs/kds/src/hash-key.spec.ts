import { createHash } from 'node:crypto';
import { hashKeyOfWords, parseExplicitHashKey, partitionKeyHash, recordHashKey, writeRecordHashKey } from './hash-key';
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

  it('writes as four words the same hash key it gives as a number', () => {
    const words = new Uint32Array(8);
    const records = [
      { PartitionKey: '' },
      { PartitionKey: 'x'.repeat(55) },
      { PartitionKey: 'x'.repeat(56) },
      { PartitionKey: 'ключ' },
      { PartitionKey: 'a\u007f\u0080' },
      { PartitionKey: 'a', ExplicitHashKey: '0' },
      { PartitionKey: 'a', ExplicitHashKey: MAX_HASH_KEY.toString() },
      { PartitionKey: 'a', ExplicitHashKey: '4294967296' },
    ];
    for (let length = 0; length < 300; length++) {
      records.push({ PartitionKey: Array.from({ length }, (_, i) => String.fromCharCode(32 + ((i * 7 + length) % 95))).join('') });
    }
    for (const record of records) {
      writeRecordHashKey(record, words, 4);
      expect(hashKeyOfWords(words, 4)).toBe(recordHashKey(record));
    }
  });

  it('refuses an explicit hash key out of range when writing words too', async () => {
    const value = (MAX_HASH_KEY + 1n).toString();
    expect(await failureOf(() => writeRecordHashKey({ PartitionKey: 'a', ExplicitHashKey: value }, new Uint32Array(4), 0))).toEqual(
      await failureOf(() => recordHashKey({ PartitionKey: 'a', ExplicitHashKey: value })),
    );
  });
});
