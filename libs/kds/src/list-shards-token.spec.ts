import { decodeListShardsToken, encodeListShardsToken, type ListShardsCursor } from './list-shards-token';
import { failureOf, kinesisFailure } from './testing/kinesis-failure';

describe('ListShards tokens', () => {
  const secret = Buffer.from('token-secret');
  const cursor: ListShardsCursor = {
    streamId: 'stream-1',
    streamName: 'orders',
    filterType: 'AT_TIMESTAMP',
    filterTimestampMs: 1_700_000_000_000,
    afterIndex: 41,
    issuedAtMs: 1_700_000_100_000,
  };

  it('carry the stream, the filter and the position', () => {
    const token = encodeListShardsToken(secret, cursor);
    expect(decodeListShardsToken(secret, token, cursor.issuedAtMs)).toEqual(cursor);
    const plain = { streamId: 's', streamName: 'n', afterIndex: 0, issuedAtMs: 5 };
    expect(decodeListShardsToken(secret, encodeListShardsToken(secret, plain), 5)).toEqual(plain);
  });

  it('expire after 300 seconds', async () => {
    const token = encodeListShardsToken(secret, cursor);
    expect(decodeListShardsToken(secret, token, cursor.issuedAtMs + 300_000).afterIndex).toBe(41);
    expect(await failureOf(() => decodeListShardsToken(secret, token, cursor.issuedAtMs + 300_001))).toEqual(
      kinesisFailure('ExpiredNextTokenException', 'The NextToken has expired.'),
    );
  });

  it('are refused when forged', async () => {
    expect(await failureOf(() => decodeListShardsToken(Buffer.from('other'), encodeListShardsToken(secret, cursor), 0))).toEqual(
      kinesisFailure('InvalidArgumentException', 'Invalid NextToken.'),
    );
  });
});
