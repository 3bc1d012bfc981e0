import { BodyPool, type LendsMemory, ON_ENCODED } from '@spate/aws-protocol';
import { KinesisError } from '../kinesis-error';
import { KinesisRecordList } from '../kinesis-record-list';
import type { GetRecordsInput, GetRecordsOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { decodeShardIterator, encodeShardIterator, type ShardIteratorState } from '../shard-iterator';
import { childShards, closedShardEnd, isShardExpired, shardAddress, shardNotFound } from '../stream-shards';

export const DEFAULT_GET_RECORDS_LIMIT = 10_000;
/** A GetRecords response carries at most 10 MiB of data. */
export const MAX_GET_RECORDS_BYTES = 10 * 1024 * 1024;

/**
 * GetRecordsOutput with its Records as a list that writes itself to the wire (see
 * KinesisRecordList), over read buffers that it gives back once written (ON_ENCODED).
 */
export type GetRecordsAnswer = Omit<GetRecordsOutput, 'Records'> & { Records: KinesisRecordList } & LendsMemory;

/**
 * The read buffers of in-process reads, reused from one answer to the next: fresh buffers of up
 * to 10 MiB per call, with as much again for the answer, made V8 run a full garbage collection
 * every few calls of a read-back.
 */
const READ_BUFFERS = new BodyPool(256 * 1024, 16 * 1024 * 1024, 3);

/**
 * Reads from the iterator's position. At the end of a closed shard (the read reaches the offset
 * after its last record) the response lists the shard's children and has no NextShardIterator,
 * which is how readers learn to move on; nothing appended past that end is ever returned.
 * MillisBehindLatest is 0 when the read reached the newest record, else the age of the last
 * record returned. The StreamARN member only routes the request on AWS and is not checked.
 */
export async function getRecords(ctx: KdsContext, input: GetRecordsInput): Promise<GetRecordsAnswer> {
  const nowMs = ctx.now();
  const iterator = decodeShardIterator(ctx.settings, input.ShardIterator, nowMs);
  const { account, region } = ctx.caller;
  const meta = await ctx.streams.get({ account, region, name: iterator.streamName });
  const shard = meta?.streamId === iterator.streamId ? meta.shards.find((s) => s.shardId === iterator.shardId) : undefined;
  if (!meta || !shard || isShardExpired(meta, shard, nowMs)) {
    throw shardNotFound({ name: iterator.streamName, account }, iterator.shardId);
  }

  const shardKey = `${meta.streamId}/${shard.shardId}`;
  const limiter = ctx.settings.enforceThroughputLimits ? ctx.throughput : undefined;
  if (limiter && !limiter.tryRead(shardKey, nowMs)) {
    throw new KinesisError(
      'ProvisionedThroughputExceededException',
      `Rate exceeded for shard ${shard.shardId} in stream ${meta.name} under account ${meta.account}.`,
    );
  }

  const end = closedShardEnd(shard);
  const limit = input.Limit ?? DEFAULT_GET_RECORDS_LIMIT;
  const maxRecords = end === undefined ? limit : Math.min(limit, Math.max(0, end - iterator.offset));
  const lent: Buffer[] = [];
  const readBuffers = {
    take: (bytes: number) => {
      const buffer = READ_BUFFERS.take(bytes);
      if (buffer !== undefined) lent.push(buffer);
      return buffer;
    },
  };
  const result =
    maxRecords > 0
      ? await ctx.data.read({ fromOffset: iterator.offset, maxRecords, maxBytes: MAX_GET_RECORDS_BYTES, readBuffers, ...shardAddress(meta, shard) })
      : undefined;
  // The read starts at the trim horizon if that is later, so the count alone does not stop it at the end.
  const read = result?.records ?? [];
  const records = end === undefined ? read : read.filter((record) => record.offset < end);
  const list = new KinesisRecordList(shard.index, records, meta.encryption.type === 'KMS');
  limiter?.readDone(shardKey, list.dataBytes, nowMs);

  const last = records[records.length - 1];
  const nextOffset = last ? last.offset + 1 : Math.max(iterator.offset, result?.startOffset ?? 0);
  const output: GetRecordsAnswer = { Records: list };
  if (lent.length > 0) output[ON_ENCODED] = () => lent.forEach((buffer) => READ_BUFFERS.give(buffer));
  if (end !== undefined && nextOffset >= end) {
    output.ChildShards = childShards(meta, shard);
    output.MillisBehindLatest = 0;
    return output;
  }
  const caughtUp = !result || nextOffset >= result.nextOffset;
  output.MillisBehindLatest = caughtUp || !last ? 0 : Math.max(0, nowMs - last.arrivalMs);
  // An empty poll within the second its iterator was issued hands that iterator back: it names the
  // same position and expires less than a second earlier, and signing a new one costs more than
  // the rest of the poll.
  output.NextShardIterator =
    nextOffset === iterator.offset && Math.floor(iterator.issuedAtMs / 1000) === Math.floor(nowMs / 1000)
      ? input.ShardIterator
      : encodeShardIterator(ctx.settings.iteratorSecret, movedIterator(iterator, nextOffset, nowMs));
  return output;
}

/** The iterator at another offset, issued now; spelt out, not spread (see eslint.config.mjs). */
function movedIterator(iterator: ShardIteratorState, offset: number, issuedAtMs: number): ShardIteratorState {
  return { streamId: iterator.streamId, streamName: iterator.streamName, shardId: iterator.shardId, offset, issuedAtMs };
}
