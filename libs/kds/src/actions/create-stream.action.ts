import { randomUUID } from 'node:crypto';
import { accountUsage, checkOnDemandStreamLimit, checkShardLimit, MAX_CREATING_STREAMS } from '../account-usage';
import { evenHashRanges } from '../hash-range';
import { KinesisError } from '../kinesis-error';
import type { CreateStreamInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import type { ShardMeta, StreamMeta, StreamMode } from '../ports/stream-meta';
import { formatShardId } from '../shard-id';
import { formatStreamArn } from '../stream-arn';
import { inTransition } from '../stream-status';
import { describeStream, withTagsAdded } from '../tags';
import { checkWarmThroughput } from '../warm-throughput';

/** An ON_DEMAND stream starts with four shards, as on AWS. */
export const ON_DEMAND_INITIAL_SHARDS = 4;
export const DEFAULT_RETENTION_HOURS = 24;
export const DEFAULT_MAX_RECORD_SIZE_KIB = 1024;

/**
 * Without StreamModeDetails the mode follows ShardCount: given, PROVISIONED; absent, ON_DEMAND.
 * The stream is CREATING for `createStreamDelayMs`, then ACTIVE.
 */
export async function createStream(ctx: KdsContext, input: CreateStreamInput): Promise<void> {
  const { caller, settings } = ctx;
  const mode: StreamMode =
    input.StreamModeDetails?.StreamMode ?? (input.ShardCount === undefined ? 'ON_DEMAND' : 'PROVISIONED');
  if (mode === 'ON_DEMAND' && input.ShardCount !== undefined) {
    throw new KinesisError('InvalidArgumentException', 'ShardCount is not expected when StreamMode=ON_DEMAND');
  }
  if (mode === 'PROVISIONED' && input.ShardCount === undefined) {
    throw new KinesisError('InvalidArgumentException', 'ShardCount is expected when StreamMode=PROVISIONED');
  }
  const shardCount = input.ShardCount ?? ON_DEMAND_INITIAL_SHARDS;
  const tags = withTagsAdded({}, input.Tags ?? {}, describeStream({ name: input.StreamName, account: caller.account }));
  if (input.WarmThroughputMiBps !== undefined) await checkWarmThroughput(ctx, mode, input.WarmThroughputMiBps);

  const streams = await ctx.streams.list(caller.account, caller.region);
  if (streams.some((meta) => meta.name === input.StreamName)) {
    throw new KinesisError(
      'ResourceInUseException',
      `Stream ${input.StreamName} under account ${caller.account} already exists.`,
    );
  }
  const usage = accountUsage(streams);
  if (usage.creatingStreams >= MAX_CREATING_STREAMS) {
    throw new KinesisError(
      'LimitExceededException',
      `Account ${caller.account} already has ${MAX_CREATING_STREAMS} streams in CREATING state in ${caller.region}; ` +
        'no more can be created until one of them is ACTIVE.',
    );
  }
  checkShardLimit(caller, usage, shardCount, settings.shardLimit);
  if (mode === 'ON_DEMAND') checkOnDemandStreamLimit(caller, usage, settings.onDemandStreamLimit);

  const nowMs = ctx.now();
  const meta: StreamMeta = {
    streamId: randomUUID(),
    account: caller.account,
    region: caller.region,
    name: input.StreamName,
    arn: formatStreamArn({ ...caller, name: input.StreamName }),
    status: 'CREATING',
    mode,
    createdMs: nowMs,
    retentionHours: DEFAULT_RETENTION_HOURS,
    shards: evenHashRanges(shardCount).map(
      (range, index): ShardMeta => ({
        shardId: formatShardId(index),
        index,
        hashKeyStart: range.start.toString(),
        hashKeyEnd: range.end.toString(),
        createdMs: nowMs,
      }),
    ),
    nextShardIndex: shardCount,
    tags,
    encryption: { type: 'NONE' },
    enhancedMonitoring: [],
    maxRecordSizeKiB: input.MaxRecordSizeInKiB ?? DEFAULT_MAX_RECORD_SIZE_KIB,
    consumers: [],
    scalingHistoryMs: [],
  };
  if (input.WarmThroughputMiBps !== undefined) {
    meta.warmThroughput = { currentMiBps: 0, targetMiBps: input.WarmThroughputMiBps };
  }
  await ctx.streams.create(inTransition(meta, 'CREATING', settings.createStreamDelayMs, nowMs));
}
