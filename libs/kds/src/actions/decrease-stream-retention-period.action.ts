import { KinesisError } from '../kinesis-error';
import type { DecreaseStreamRetentionPeriodInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { checkRetentionRange } from '../retention';
import { requireStreamStatus, startUpdate } from '../stream-status';

/** A shorter (or equal) retention; records older than it become unreadable. */
export async function decreaseStreamRetentionPeriod(
  ctx: KdsContext,
  input: DecreaseStreamRetentionPeriodInput,
): Promise<void> {
  const stream = await ctx.streams.resolve(ctx.caller, input);
  const hours = input.RetentionPeriodHours;
  checkRetentionRange(hours);
  const nowMs = ctx.now();
  await ctx.streams.update(stream, (meta) => {
    requireStreamStatus(meta);
    if (hours > meta.retentionHours) {
      throw new KinesisError(
        'InvalidArgumentException',
        `Requested retention period (${hours} hours) for stream ${meta.name} can not be longer than existing ` +
          `retention period (${meta.retentionHours} hours). Use IncreaseRetentionPeriod API.`,
      );
    }
    return startUpdate({ ...meta, retentionHours: hours }, ctx.settings.updateStreamDelayMs, nowMs);
  });
}
