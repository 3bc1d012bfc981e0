import { createStream } from '../actions/create-stream.action';
import { partitionKeyHash } from '../hash-key';
import type { ShardMeta, StreamMeta } from '../ports/stream-meta';
import { TEST_CALLER, type TestKds } from './test-kds';

/** Creates a PROVISIONED stream through CreateStream and returns its document. */
export async function aStream(kds: TestKds, shardCount = 1, name = 'orders'): Promise<StreamMeta> {
  await createStream(kds.ctx(), { StreamName: name, ShardCount: shardCount });
  return currentStream(kds, name);
}

export async function currentStream(kds: TestKds, name = 'orders'): Promise<StreamMeta> {
  const meta = await kds.streams.get({ ...TEST_CALLER, name });
  if (!meta) throw new Error(`No stream ${name}`);
  return meta;
}

/** `count` distinct partition keys whose MD5 hash keys fall in the shard's range. */
export function partitionKeysIn(shard: ShardMeta, count: number): string[] {
  const [start, end] = [BigInt(shard.hashKeyStart), BigInt(shard.hashKeyEnd)];
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    const hash = partitionKeyHash(`key-${i}`);
    if (hash >= start && hash <= end) keys.push(`key-${i}`);
  }
  return keys;
}

export function openShards(meta: StreamMeta): ShardMeta[] {
  return meta.shards.filter((shard) => shard.closedMs === undefined);
}
