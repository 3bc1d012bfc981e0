import { KinesisError } from './kinesis-error';
import type { ShardFilterType } from './model/kinesis-shapes';
import { NEXT_TOKEN_TTL_MS } from './next-token';
import { signToken, TokenKind, verifyToken } from './signed-token';
import { TokenReader, TokenWriter } from './token-codec';

/**
 * A ListShards NextToken: the stream incarnation, the filter of the first call, and the index of
 * the last shard listed. Signed like shard iterators, so a client cannot point one elsewhere.
 */
export interface ListShardsCursor {
  streamId: string;
  streamName: string;
  filterType?: ShardFilterType;
  /** The AT_TIMESTAMP or FROM_TIMESTAMP filter's timestamp, already corrected to the trim horizon. */
  filterTimestampMs?: number;
  afterIndex: number;
  issuedAtMs: number;
}

export function encodeListShardsToken(secret: Buffer, cursor: ListShardsCursor): string {
  const payload = new TokenWriter()
    .uint(cursor.issuedAtMs)
    .uint(cursor.afterIndex)
    .optionalUint(cursor.filterTimestampMs)
    .string(cursor.filterType ?? '')
    .string(cursor.streamId)
    .string(cursor.streamName)
    .toBuffer();
  return signToken(secret, TokenKind.ListShardsNextToken, payload);
}

/** InvalidArgumentException for a token Spate did not issue; ExpiredNextTokenException after 300 seconds. */
export function decodeListShardsToken(secret: Buffer, token: string, nowMs: number): ListShardsCursor {
  const cursor = readCursor(verifyToken(secret, TokenKind.ListShardsNextToken, token));
  if (!cursor) throw new KinesisError('InvalidArgumentException', 'Invalid NextToken.');
  if (nowMs - cursor.issuedAtMs > NEXT_TOKEN_TTL_MS) {
    throw new KinesisError('ExpiredNextTokenException', 'The NextToken has expired.');
  }
  return cursor;
}

function readCursor(payload: Buffer | undefined): ListShardsCursor | undefined {
  if (!payload) return undefined;
  const reader = new TokenReader(payload);
  const issuedAtMs = reader.uint();
  const afterIndex = reader.uint();
  const filterTimestampMs = reader.optionalUint();
  const filterType = reader.string();
  const streamId = reader.string();
  const streamName = reader.string();
  if (!reader.complete()) return undefined;
  return {
    streamId,
    streamName,
    ...(filterType !== '' && { filterType: filterType as ShardFilterType }),
    ...(filterTimestampMs !== undefined && { filterTimestampMs }),
    afterIndex,
    issuedAtMs,
  };
}
