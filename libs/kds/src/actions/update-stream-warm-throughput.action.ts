import type { UpdateStreamWarmThroughputInput, UpdateStreamWarmThroughputOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { requireStreamStatus, startUpdate } from '../stream-status';
import { checkWarmThroughput } from '../warm-throughput';

/**
 * Only for ON_DEMAND streams of accounts with the minimum throughput billing commitment in force.
 * The stream is UPDATING for `updateStreamDelayMs`, during which CurrentMiBps lags TargetMiBps.
 */
export async function updateStreamWarmThroughput(
  ctx: KdsContext,
  input: UpdateStreamWarmThroughputInput,
): Promise<UpdateStreamWarmThroughputOutput> {
  const stream = await ctx.streams.resolve(ctx.caller, input);
  const target = input.WarmThroughputMiBps;
  await checkWarmThroughput(ctx, stream.mode, target);
  const nowMs = ctx.now();
  const updated = await ctx.streams.update(stream, (meta) => {
    requireStreamStatus(meta);
    const warmThroughput = { currentMiBps: meta.warmThroughput?.currentMiBps ?? 0, targetMiBps: target };
    return startUpdate({ ...meta, warmThroughput }, ctx.settings.updateStreamDelayMs, nowMs);
  });
  return {
    StreamName: updated.name,
    StreamARN: updated.arn,
    WarmThroughput: {
      CurrentMiBps: updated.warmThroughput?.currentMiBps,
      TargetMiBps: updated.warmThroughput?.targetMiBps,
    },
  };
}
