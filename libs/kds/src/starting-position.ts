import { KinesisError } from './kinesis-error';
import type { ShardIteratorType } from './model/kinesis-shapes';
import type { KdsContext } from './ports/kds-context';
import type { ShardMeta, StreamMeta } from './ports/stream-meta';
import { decodeSequenceNumber } from './sequence-number';
import { formatShardId } from './shard-id';
import { shardAddress } from './stream-shards';

/** Where a reader asks to start: GetShardIterator's members, or SubscribeToShard's StartingPosition. */
export interface StartingPosition {
  type: ShardIteratorType;
  sequenceNumber?: string;
  timestamp?: Date;
}

/**
 * The offset a reader starting at `position` reads first. Checks the combination of members and
 * the sequence number or timestamp the way Kinesis does, with its messages; `operation` names the
 * call in them.
 */
export async function startingOffset(
  ctx: KdsContext,
  meta: StreamMeta,
  shard: ShardMeta,
  position: StartingPosition,
  operation: string,
): Promise<number> {
  const { type, sequenceNumber, timestamp } = position;
  const address = shardAddress(meta, shard);
  const bySequenceNumber = type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER';
  if (bySequenceNumber !== (sequenceNumber !== undefined)) {
    throw new KinesisError(
      'InvalidArgumentException',
      'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
        '(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ' +
        `Request specified ${type} and ${sequenceNumber === undefined ? 'no' : 'also a'} StartingSequenceNumber.`,
    );
  }
  switch (type) {
    case 'TRIM_HORIZON':
      return (await ctx.data.bounds(address)).startOffset;
    case 'LATEST':
      return (await ctx.data.bounds(address)).nextOffset;
    case 'AT_TIMESTAMP':
      return ctx.data.offsetAtTimestamp(address, checkTimestamp(timestamp, ctx.now()));
    default: {
      const offset = await sequenceNumberOffset(ctx, meta, shard, sequenceNumber as string, operation);
      // The shard's StartingSequenceNumber (offset -1) starts before its first record either way.
      return type === 'AT_SEQUENCE_NUMBER' ? Math.max(offset, 0) : offset + 1;
    }
  }
}

function checkTimestamp(timestamp: Date | undefined, nowMs: number): number {
  if (timestamp === undefined) {
    throw new KinesisError(
      'InvalidArgumentException',
      'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
    );
  }
  const timestampMs = timestamp.getTime();
  if (timestampMs > nowMs) {
    throw new KinesisError(
      'InvalidArgumentException',
      'The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. ' +
        `timestampInMillis: ${timestampMs}, currentTimestampInMillis: ${nowMs}`,
    );
  }
  return timestampMs;
}

/** The offset a sequence number names in `shard`; it must be one this shard has issued. */
async function sequenceNumberOffset(
  ctx: KdsContext,
  meta: StreamMeta,
  shard: ShardMeta,
  sequenceNumber: string,
  operation: string,
): Promise<number> {
  const where = `used in ${operation} on shard ${shard.shardId} in stream ${meta.name} under account ${meta.account}`;
  const decoded = decodeSequenceNumber(sequenceNumber);
  if (!decoded) {
    throw new KinesisError('InvalidArgumentException', `StartingSequenceNumber ${sequenceNumber} ${where} is invalid.`);
  }
  if (decoded.shardIndex !== shard.index) {
    throw new KinesisError(
      'InvalidArgumentException',
      `Invalid StartingSequenceNumber. It encodes ${formatShardId(decoded.shardIndex)}, ` +
        `while it was used in a call to a shard with ${shard.shardId}`,
    );
  }
  // A number past the shard's last record was issued by another incarnation of the stream.
  if (decoded.offset >= (await ctx.data.bounds(shardAddress(meta, shard))).nextOffset) {
    throw new KinesisError(
      'InvalidArgumentException',
      `StartingSequenceNumber ${sequenceNumber} ${where} is invalid because it did not come from this stream.`,
    );
  }
  return decoded.offset;
}
