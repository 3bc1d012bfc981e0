import { KinesisError } from '../kinesis-error';
import type { IncreaseStreamRetentionPeriodInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { checkRetentionRange } from '../retention';
import { requireStreamStatus, startUpdate } from '../stream-status';

/** A longer (or equal) retention; records already past the old one stay gone, as on AWS. */
export async function increaseStreamRetentionPeriod(
  ctx: KdsContext,
  input: IncreaseStreamRetentionPeriodInput,
): Promise<void> {
  const stream = await ctx.streams.resolve(ctx.caller, input);
  const hours = input.RetentionPeriodHours;
  checkRetentionRange(hours);
  const nowMs = ctx.now();
  await ctx.streams.update(stream, (meta) => {
    requireStreamStatus(meta);
    if (hours < meta.retentionHours) {
      throw new KinesisError(
        'InvalidArgumentException',
        `Requested retention period (${hours} hours) for stream ${meta.name} can not be shorter than existing ` +
          `retention period (${meta.retentionHours} hours). Use DecreaseRetentionPeriod API.`,
      );
    }
    return startUpdate({ ...meta, retentionHours: hours }, ctx.settings.updateStreamDelayMs, nowMs);
  });
}
