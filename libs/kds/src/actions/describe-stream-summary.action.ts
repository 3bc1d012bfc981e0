import { openShardCount } from '../account-usage';
import type {
  DescribeStreamSummaryInput,
  DescribeStreamSummaryOutput,
  MetricsName,
  StreamDescriptionSummary,
} from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';

/** Warm throughput is reported for ON_DEMAND streams that have one configured, as AWS does. */
export async function describeStreamSummary(
  ctx: KdsContext,
  input: DescribeStreamSummaryInput,
): Promise<DescribeStreamSummaryOutput> {
  const meta = await ctx.streams.resolve(ctx.caller, input);
  const summary: StreamDescriptionSummary = {
    StreamName: meta.name,
    StreamARN: meta.arn,
    StreamStatus: meta.status,
    StreamModeDetails: { StreamMode: meta.mode },
    RetentionPeriodHours: meta.retentionHours,
    StreamCreationTimestamp: new Date(meta.createdMs),
    EnhancedMonitoring: [{ ShardLevelMetrics: meta.enhancedMonitoring as MetricsName[] }],
    EncryptionType: meta.encryption.type,
    OpenShardCount: openShardCount(meta),
    ConsumerCount: meta.consumers.length,
    MaxRecordSizeInKiB: meta.maxRecordSizeKiB,
  };
  if (meta.encryption.keyId !== undefined) summary.KeyId = meta.encryption.keyId;
  if (meta.mode === 'ON_DEMAND' && meta.warmThroughput) {
    summary.WarmThroughput = {
      CurrentMiBps: meta.warmThroughput.currentMiBps,
      TargetMiBps: meta.warmThroughput.targetMiBps,
    };
  }
  return { StreamDescriptionSummary: summary };
}
