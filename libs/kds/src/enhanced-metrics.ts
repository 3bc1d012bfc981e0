import type { EnhancedMonitoringOutput, MetricsName } from './model/kinesis-shapes';
import type { KdsContext } from './ports/kds-context';
import type { StreamRef } from './ports/stream-repository';
import { requireStreamStatus, startUpdate } from './stream-status';

/** The shard-level metrics in the model's order; `ALL` in a request stands for every one of them. */
export const SHARD_LEVEL_METRICS: Exclude<MetricsName, 'ALL'>[] = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
];

/** The metrics a request names, with ALL expanded, in the model's order. */
export function expandMetrics(requested: MetricsName[]): string[] {
  if (requested.includes('ALL')) return [...SHARD_LEVEL_METRICS];
  return SHARD_LEVEL_METRICS.filter((metric) => requested.includes(metric));
}

/** `enabled` plus `requested`, in the model's order. */
export function metricsEnabled(enabled: string[], requested: MetricsName[]): string[] {
  const next = new Set([...enabled, ...expandMetrics(requested)]);
  return SHARD_LEVEL_METRICS.filter((metric) => next.has(metric));
}

/** `enabled` without `requested`, in the model's order. */
export function metricsDisabled(enabled: string[], requested: MetricsName[]): string[] {
  const removed = new Set(expandMetrics(requested));
  return SHARD_LEVEL_METRICS.filter((metric) => enabled.includes(metric) && !removed.has(metric));
}

/**
 * Enables or disables shard-level metrics: Current is what was enabled before the call, Desired
 * what is enabled after it.
 */
export async function changeEnhancedMonitoring(
  ctx: KdsContext,
  input: StreamRef & { ShardLevelMetrics: MetricsName[] },
  change: typeof metricsEnabled | typeof metricsDisabled,
): Promise<EnhancedMonitoringOutput> {
  const stream = await ctx.streams.resolve(ctx.caller, input);
  const nowMs = ctx.now();
  let before: string[] = [];
  const after = await ctx.streams.update(stream, (meta) => {
    requireStreamStatus(meta);
    before = meta.enhancedMonitoring;
    const enabled = change(meta.enhancedMonitoring, input.ShardLevelMetrics);
    return startUpdate({ ...meta, enhancedMonitoring: enabled }, ctx.settings.updateStreamDelayMs, nowMs);
  });
  return {
    StreamName: after.name,
    StreamARN: after.arn,
    CurrentShardLevelMetrics: before as MetricsName[],
    DesiredShardLevelMetrics: after.enhancedMonitoring as MetricsName[],
  };
}
