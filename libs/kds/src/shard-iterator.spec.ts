import { defaultKdsSettings } from './settings';
import { decodeShardIterator, encodeShardIterator, type ShardIteratorState } from './shard-iterator';
import { failureOf, kinesisFailure } from './testing/kinesis-failure';

describe('shard iterators', () => {
  const settings = defaultKdsSettings(Buffer.from('iterator-secret'));
  const issuedAtMs = Date.UTC(2015, 0, 22, 1, 22, 2);
  const state: ShardIteratorState = {
    streamId: '3f1c8a52-7a53-4e0f-9d7b-4a2b6c1d9e00',
    streamName: 'orders',
    shardId: 'shardId-000000000007',
    offset: 1234,
    issuedAtMs,
  };

  it('decode to the position they were issued for', () => {
    const token = encodeShardIterator(settings.iteratorSecret, state);
    expect(decodeShardIterator(settings, token, issuedAtMs + 1000)).toEqual(state);
  });

  it('fit the model (at most 512 characters) for the longest stream name', () => {
    const token = encodeShardIterator(settings.iteratorSecret, { ...state, streamName: 'a'.repeat(128), offset: 2 ** 53 - 1 });
    expect(token.length).toBeLessThanOrEqual(512);
  });

  it('are still valid exactly at the end of their lifetime', () => {
    const token = encodeShardIterator(settings.iteratorSecret, state);
    expect(decodeShardIterator(settings, token, issuedAtMs + settings.iteratorTtlMs).offset).toBe(1234);
  });

  it('expire after the iterator lifetime, with the message Kinesis gives', async () => {
    const token = encodeShardIterator(settings.iteratorSecret, state);
    expect(await failureOf(() => decodeShardIterator(settings, token, issuedAtMs + 300_001))).toEqual(
      kinesisFailure(
        'ExpiredIteratorException',
        'Iterator expired. The iterator was created at time Thu Jan 22 01:22:02 UTC 2015 while right now it is ' +
          'Thu Jan 22 01:27:02 UTC 2015 which is further in the future than the tolerated delay of 300000 milliseconds.',
      ),
    );
  });

  it('are refused when tampered with, signed with another secret, or not iterators at all', async () => {
    const token = encodeShardIterator(settings.iteratorSecret, state);
    const bytes = Buffer.from(token, 'base64');
    bytes[12] ^= 0x40;
    const foreign = encodeShardIterator(Buffer.from('another-secret'), state);
    for (const bad of [bytes.toString('base64'), foreign, 'AAAAAAAAAAAAAAAA', 'x']) {
      expect(await failureOf(() => decodeShardIterator(settings, bad, issuedAtMs))).toEqual(
        kinesisFailure('InvalidArgumentException', 'Invalid ShardIterator.'),
      );
    }
  });
});
