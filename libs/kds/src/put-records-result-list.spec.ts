import { randomInt } from 'node:crypto';
import { cbor11Codec, json11Codec } from '@spate/aws-protocol';
import type { ShardMeta } from './ports/stream-meta';
import { PutRecordsResultList } from './put-records-result-list';
import { WriteOutcomes } from './record-writer';
import { encodeSequenceNumber } from './sequence-number';
import { formatShardId } from './shard-id';

function shard(index: number): ShardMeta {
  return { index, shardId: formatShardId(index) } as ShardMeta;
}

/** Records routed to a few shards, appended one batch per shard, some throttled or failed, as writeRecords leaves them. */
function randomOutcomes(count: number): WriteOutcomes {
  const outcomes = new WriteOutcomes(count);
  const shards = Array.from({ length: randomInt(1, 5) }, () => shard(randomInt(0, 3) === 0 ? randomInt(0, 2 ** 31 - 1) : randomInt(0, 10)));
  const groups = shards.map((): number[] => []);
  for (let i = 0; i < count; i++) {
    const roll = randomInt(20);
    if (roll === 0) outcomes.setFailed(i, { throttled: true, message: `Rate exceeded for shard ${shards[0].shardId} in stream "s" under account 1.` });
    else if (roll === 1) outcomes.setFailed(i, { throttled: false, error: new Error('disk') });
    else groups[randomInt(shards.length)].push(i);
  }
  groups.forEach((indexes, s) => {
    if (indexes.length > 0) outcomes.setWritten(indexes, shards[s], randomInt(0, 2) === 0 ? randomInt(0, 1000) : randomInt(0, 2 ** 48 - 1));
  });
  return outcomes;
}

describe('PutRecordsResultList', () => {
  it.each([
    ['JSON 1.1', json11Codec],
    ['CBOR 1.1', cbor11Codec],
  ])('writes the bytes the generic %s writer writes for the same entries', (_name, codec) => {
    for (let round = 0; round < 100; round++) {
      const list = new PutRecordsResultList(randomOutcomes(randomInt(0, 3) === 0 ? randomInt(0, 3) : randomInt(1, 500)));
      const encoded = codec.encode({ FailedRecordCount: list.failedCount, Records: list, EncryptionType: 'KMS' });
      const generic = codec.encode({ FailedRecordCount: list.failedCount, Records: list.toArray(), EncryptionType: 'KMS' });
      expect(encoded.equals(generic)).toBe(true);
    }
  });

  it('materializes the entries in input order', () => {
    const outcomes = new WriteOutcomes(4);
    outcomes.setWritten([0, 3], shard(2), 41);
    outcomes.setFailed(1, { throttled: true, message: 'Rate exceeded.' });
    outcomes.setFailed(2, { throttled: false, error: new Error('disk') });
    const list = new PutRecordsResultList(outcomes);
    const expected = [
      { SequenceNumber: encodeSequenceNumber(2, 41), ShardId: 'shardId-000000000002' },
      { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded.' },
      { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' },
      { SequenceNumber: encodeSequenceNumber(2, 42), ShardId: 'shardId-000000000002' },
    ];
    expect(list.toArray()).toEqual(expected);
    expect([...list]).toEqual(expected);
    expect(list.length).toBe(4);
    expect(list.failedCount).toBe(2);
  });
});
