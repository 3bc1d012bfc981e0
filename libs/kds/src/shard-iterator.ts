import { formatAwsDate } from './aws-date';
import { KinesisError } from './kinesis-error';
import type { KdsSettings } from './settings';
import { formatShardId, parseShardId } from './shard-id';
import { signToken, TokenKind, verifyToken } from './signed-token';
import { TokenReader, TokenWriter } from './token-codec';

const MAX_SHARD_INDEX = 2 ** 31 - 1;

/** What a shard iterator carries: a read position in one shard of one stream incarnation. */
export interface ShardIteratorState {
  streamId: string;
  streamName: string;
  shardId: string;
  /** The next offset to read. */
  offset: number;
  issuedAtMs: number;
}

export function encodeShardIterator(secret: Buffer, state: ShardIteratorState): string {
  const index = parseShardId(state.shardId);
  if (index === undefined) throw new RangeError(`Not a shard id: ${state.shardId}`);
  const payload = new TokenWriter()
    .uint(state.issuedAtMs)
    .uint(state.offset)
    .uint(index)
    .string(state.streamId)
    .string(state.streamName)
    .toBuffer();
  return signToken(secret, TokenKind.ShardIterator, payload);
}

/**
 * Checks an iterator's signature and age. InvalidArgumentException for anything Spate did not
 * sign with this secret; ExpiredIteratorException once `settings.iteratorTtlMs` has passed. Whether
 * the stream and shard still exist is for the caller to check.
 */
export function decodeShardIterator(settings: KdsSettings, token: string, nowMs: number): ShardIteratorState {
  const state = readState(verifyToken(settings.iteratorSecret, TokenKind.ShardIterator, token));
  if (!state) throw new KinesisError('InvalidArgumentException', 'Invalid ShardIterator.');
  if (nowMs - state.issuedAtMs > settings.iteratorTtlMs) {
    throw new KinesisError(
      'ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${formatAwsDate(state.issuedAtMs)} while right now it is ` +
        `${formatAwsDate(nowMs)} which is further in the future than the tolerated delay of ${settings.iteratorTtlMs} milliseconds.`,
    );
  }
  return state;
}

function readState(payload: Buffer | undefined): ShardIteratorState | undefined {
  if (!payload) return undefined;
  const reader = new TokenReader(payload);
  const issuedAtMs = reader.uint();
  const offset = reader.uint();
  const shardIndex = reader.uint();
  const streamId = reader.string();
  const streamName = reader.string();
  if (!reader.complete() || shardIndex > MAX_SHARD_INDEX) return undefined;
  return { streamId, streamName, shardId: formatShardId(shardIndex), offset, issuedAtMs };
}
