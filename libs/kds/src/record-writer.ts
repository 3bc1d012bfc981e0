import { writeRecordHashKey } from './hash-key';
import { KinesisError } from './kinesis-error';
import type { KdsContext } from './ports/kds-context';
import { type RecordToAppend, ShardSealedError } from './ports/shard-data-plane';
import type { ShardMeta, StreamMeta } from './ports/stream-meta';
import type { StreamRef } from './ports/stream-repository';
import { encodeSequenceNumber } from './sequence-number';
import { shardRouter } from './shard-router';
import { shardAddress } from './stream-shards';

export interface RecordToWrite {
  Data: Buffer;
  PartitionKey: string;
  ExplicitHashKey?: string;
}

/** What became of one record: written, refused by the shard's throughput limit, or failed. */
export type WriteOutcome =
  | { written: true; shardId: string; sequenceNumber: string }
  | { written: false; throttled: true; message: string }
  | { written: false; throttled: false; error: unknown };

type Failure = { throttled: true; message: string } | { throttled: false; error: unknown };

/**
 * What became of each record of a put, in input order: for a written record the shard and offset
 * (numbers, not an object and a sequence-number string per record, which a 500-record answer
 * then writes straight to the wire; see PutRecordsResultList), for the others their failure.
 */
export class WriteOutcomes {
  /** The shards records were written to; a written record holds its shard's index here. */
  readonly shards: ShardMeta[] = [];
  private readonly slots: Int32Array;
  private readonly offsets: Float64Array;
  private readonly failures = new Map<number, Failure>();

  constructor(readonly length: number) {
    this.slots = new Int32Array(length).fill(NOT_WRITTEN);
    this.offsets = new Float64Array(length);
  }

  get failedCount(): number {
    return this.failures.size;
  }

  /** The index in `shards` of the shard that wrote record i, or -1 if it was not written. */
  slotOf(i: number): number {
    return this.slots[i];
  }

  /** The offset of written record i in its shard's log. */
  offsetOf(i: number): number {
    return this.offsets[i];
  }

  outcome(i: number): WriteOutcome {
    const slot = this.slots[i];
    if (slot === NOT_WRITTEN) return { written: false, ...(this.failures.get(i) as Failure) };
    const shard = this.shards[slot];
    return { written: true, shardId: shard.shardId, sequenceNumber: encodeSequenceNumber(shard.index, this.offsets[i]) };
  }

  /** Records `indexes`, in that order, were written to `shard` at consecutive offsets from `firstOffset`. */
  setWritten(indexes: readonly number[], shard: ShardMeta, firstOffset: number): void {
    const slot = this.shards.push(shard) - 1;
    for (let n = 0; n < indexes.length; n++) {
      this.slots[indexes[n]] = slot;
      this.offsets[indexes[n]] = firstOffset + n;
    }
  }

  setFailed(i: number, failure: Failure): void {
    this.failures.set(i, failure);
  }
}

const NOT_WRITTEN = -1;

/** PutRecords answers at most 10 MiB per request, partition keys included. */
export const MAX_PUT_RECORDS_BYTES = 10 * 1024 * 1024;

/**
 * The stream a put names, if it takes writes: ACTIVE or UPDATING. Kinesis answers a put to a
 * stream still CREATING, or already DELETING, as if the stream did not exist.
 */
export async function writableStream(ctx: KdsContext, ref: StreamRef): Promise<StreamMeta> {
  const meta = await ctx.streams.resolve(ctx.caller, ref);
  if (meta.status !== 'ACTIVE' && meta.status !== 'UPDATING') {
    throw new KinesisError('ResourceNotFoundException', `Stream ${meta.name} under account ${meta.account} not found.`);
  }
  return meta;
}

/**
 * Refuses data blobs above the stream's maximum record size with the ValidationException Kinesis
 * gives (its server is Java, so the offending value prints as a HeapByteBuffer). `path` names a
 * record the way the message does: `data`, or `records.3.member.data` (1-based).
 */
export function checkRecordSizes(meta: StreamMeta, records: RecordToWrite[], path: (i: number) => string): void {
  const max = meta.maxRecordSizeKiB * 1024;
  const errors: string[] = [];
  for (let i = 0; i < records.length; i++) {
    const n = records[i].Data.length;
    if (n > max) {
      errors.push(`Value 'java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]' at '${path(i)}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
    }
  }
  if (errors.length > 0) {
    const count = `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: `;
    throw new KinesisError('ValidationException', count + errors.join('; '));
  }
}

/** Bytes a record costs against request and throughput limits: data plus partition key. */
export function recordBytes(record: RecordToWrite): number {
  return record.Data.length + Buffer.byteLength(record.PartitionKey, 'utf8');
}

/**
 * Routes each record to the open shard holding its hash key, admits it against the shard's
 * throughput, and appends the admitted records with one call per shard, all shards in parallel.
 * Outcomes come back in input order. A shard sealed by a reshard racing the put makes the stream
 * be read again and its records routed again, once.
 */
export async function writeRecords(
  ctx: KdsContext,
  ref: StreamRef,
  meta: StreamMeta,
  records: RecordToWrite[],
): Promise<WriteOutcomes> {
  // Four words per record (see writeRecordHashKey): no BigInt per record.
  const hashKeys = new Uint32Array(records.length * 4);
  for (let i = 0; i < records.length; i++) writeRecordHashKey(records[i], hashKeys, i * 4);
  const outcomes = new WriteOutcomes(records.length);
  let pending = admit(ctx, meta, records, hashKeys, outcomes);
  for (let attempt = 0; pending.length > 0; attempt++) {
    const router = shardRouter(meta);
    const groups = new Map<string, { shard: ShardMeta; indexes: number[] }>();
    for (const i of pending) {
      const shard = router.routeWords(hashKeys, i * 4);
      const group = groups.get(shard.shardId);
      if (group) group.indexes.push(i);
      else groups.set(shard.shardId, { shard, indexes: [i] });
    }
    const sealed: number[] = [];
    await Promise.all(
      [...groups.values()].map(async ({ shard, indexes }) => {
        try {
          const { firstOffset } = await ctx.data.append({
            records: indexes.map((i) => toAppend(records[i])),
            ...shardAddress(meta, shard),
          });
          outcomes.setWritten(indexes, shard, firstOffset);
        } catch (error) {
          if (error instanceof ShardSealedError && attempt === 0) sealed.push(...indexes);
          else for (const i of indexes) outcomes.setFailed(i, { throttled: false, error });
        }
      }),
    );
    pending = sealed.sort((a, b) => a - b);
    if (pending.length > 0) meta = await writableStream(ctx, ref);
  }
  return outcomes;
}

/** The indexes of the records the shards' throughput admits; the others get their outcome now. */
function admit(
  ctx: KdsContext,
  meta: StreamMeta,
  records: RecordToWrite[],
  hashKeys: Uint32Array,
  outcomes: WriteOutcomes,
): number[] {
  const limiter = ctx.settings.enforceThroughputLimits ? ctx.throughput : undefined;
  if (!limiter) return records.map((_, i) => i);
  const router = shardRouter(meta);
  const nowMs = ctx.now();
  return records.flatMap((record, i) => {
    const shard = router.routeWords(hashKeys, i * 4);
    if (limiter.tryWrite(`${meta.streamId}/${shard.shardId}`, recordBytes(record), nowMs)) return [i];
    outcomes.setFailed(i, {
      throttled: true,
      message: `Rate exceeded for shard ${shard.shardId} in stream ${meta.name} under account ${meta.account}.`,
    });
    return [];
  });
}

function toAppend(record: RecordToWrite): RecordToAppend {
  if (record.ExplicitHashKey === undefined) return { partitionKey: record.PartitionKey, data: record.Data };
  return { partitionKey: record.PartitionKey, data: record.Data, explicitHashKey: record.ExplicitHashKey };
}
