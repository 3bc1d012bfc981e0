import { accountUsage, checkOnDemandStreamLimit } from '../account-usage';
import { KinesisError } from '../kinesis-error';
import type { UpdateStreamModeInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import type { StreamMeta } from '../ports/stream-meta';
import { requireStreamStatus, startUpdate } from '../stream-status';
import { checkWarmThroughput } from '../warm-throughput';

/**
 * PROVISIONED ↔ ON_DEMAND, keeping the shards the stream has. A switch to ON_DEMAND counts against
 * the on-demand stream limit and may set a warm throughput; a switch to PROVISIONED drops it. The
 * stream is UPDATING for `updateStreamDelayMs`.
 */
export async function updateStreamMode(ctx: KdsContext, input: UpdateStreamModeInput): Promise<void> {
  const { caller, settings } = ctx;
  const mode = input.StreamModeDetails.StreamMode;
  const warm = input.WarmThroughputMiBps;
  const stream = await ctx.streams.resolve(caller, { StreamARN: input.StreamARN });
  if (warm !== undefined) await checkWarmThroughput(ctx, mode, warm);
  const usage = accountUsage(await ctx.streams.list(caller.account, caller.region));
  const nowMs = ctx.now();
  await ctx.streams.update(stream, (meta) => {
    requireStreamStatus(meta);
    if (meta.mode === mode) {
      throw new KinesisError(
        'InvalidArgumentException',
        `Stream ${meta.name} under account ${meta.account} is already in ${mode} mode.`,
      );
    }
    if (mode === 'ON_DEMAND') checkOnDemandStreamLimit(caller, usage, settings.onDemandStreamLimit);
    const next: StreamMeta = { ...meta, mode };
    delete next.warmThroughput;
    if (warm !== undefined) next.warmThroughput = { currentMiBps: 0, targetMiBps: warm };
    return startUpdate(next, settings.updateStreamDelayMs, nowMs);
  });
}
