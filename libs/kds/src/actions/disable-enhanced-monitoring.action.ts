import { metricsDisabled } from '../enhanced-metrics';
import type { DisableEnhancedMonitoringInput, EnhancedMonitoringOutput, MetricsName } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { requireStreamStatus, startUpdate } from '../stream-status';

/** Current is what was enabled before the call, Desired what is still enabled after it; ALL means all seven. */
export async function disableEnhancedMonitoring(
  ctx: KdsContext,
  input: DisableEnhancedMonitoringInput,
): Promise<EnhancedMonitoringOutput> {
  const stream = await ctx.streams.resolve(ctx.caller, input);
  const nowMs = ctx.now();
  let before: string[] = [];
  const after = await ctx.streams.update(stream, (meta) => {
    requireStreamStatus(meta);
    before = meta.enhancedMonitoring;
    const enabled = metricsDisabled(meta.enhancedMonitoring, input.ShardLevelMetrics);
    return startUpdate({ ...meta, enhancedMonitoring: enabled }, ctx.settings.updateStreamDelayMs, nowMs);
  });
  return {
    StreamName: after.name,
    StreamARN: after.arn,
    CurrentShardLevelMetrics: before as MetricsName[],
    DesiredShardLevelMetrics: after.enhancedMonitoring as MetricsName[],
  };
}
