import { accountUsage, checkOnDemandStreamLimit } from '../account-usage';
import { KinesisError } from '../kinesis-error';
import type { UpdateStreamModeInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import type { StreamMeta } from '../ports/stream-meta';
import { DAY_MS } from '../reshard';
import { requireStreamStatus, startUpdate } from '../stream-status';
import { checkWarmThroughput } from '../warm-throughput';

/** Mode switches allowed per stream in any 24 hours (AWS: 2). */
export const MAX_MODE_SWITCHES_PER_DAY = 2;

/**
 * PROVISIONED ↔ ON_DEMAND, keeping the shards the stream has. A switch to ON_DEMAND counts against
 * the on-demand stream limit and may set a warm throughput; a switch to PROVISIONED drops it. The
 * stream is UPDATING for `updateStreamDelayMs`. At most two switches per rolling 24 hours; asking
 * for the mode the stream already has is refused and is not a switch.
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
    const recentSwitchesMs = (meta.modeSwitchHistoryMs ?? []).filter((ms) => ms > nowMs - DAY_MS);
    if (recentSwitchesMs.length >= MAX_MODE_SWITCHES_PER_DAY) {
      throw new KinesisError(
        'LimitExceededException',
        `Exceeded the limit of ${MAX_MODE_SWITCHES_PER_DAY} stream mode switches per rolling 24-hour period ` +
          `for stream ${meta.name} under account ${meta.account}.`,
      );
    }
    if (mode === 'ON_DEMAND') checkOnDemandStreamLimit(caller, usage, settings.onDemandStreamLimit);
    const next: StreamMeta = { ...meta, mode, modeSwitchHistoryMs: [...recentSwitchesMs, nowMs] };
    delete next.warmThroughput;
    if (warm !== undefined) next.warmThroughput = { currentMiBps: 0, targetMiBps: warm };
    return startUpdate(next, settings.updateStreamDelayMs, nowMs);
  });
}
