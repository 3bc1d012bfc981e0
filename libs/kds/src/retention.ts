import { KinesisError } from './kinesis-error';
import type { KdsContext } from './ports/kds-context';
import type { StreamRef } from './ports/stream-repository';
import { requireStreamStatus, startUpdate } from './stream-status';

/** The bounds of a stream's retention period, in hours (AWS: 24 hours to 365 days). */
export const MIN_RETENTION_HOURS = 24;
export const MAX_RETENTION_HOURS = 8760;

/**
 * The model leaves RetentionPeriodHours unconstrained; Kinesis itself refuses values outside the
 * bounds with InvalidArgumentException, in these words.
 */
export function checkRetentionRange(hours: number): void {
  if (hours < MIN_RETENTION_HOURS) {
    throw new KinesisError(
      'InvalidArgumentException',
      `Minimum allowed retention period is ${MIN_RETENTION_HOURS} hours. ` +
        `Requested retention period (${hours} hours) is too short.`,
    );
  }
  if (hours > MAX_RETENTION_HOURS) {
    throw new KinesisError(
      'InvalidArgumentException',
      `Maximum allowed retention period is ${MAX_RETENTION_HOURS} hours. ` +
        `Requested retention period (${hours} hours) is too long.`,
    );
  }
}

/**
 * Sets a stream's retention period in one direction only, as the two retention operations do: each
 * refuses a change the other one should make, naming it.
 */
export async function changeRetentionPeriod(
  ctx: KdsContext,
  input: StreamRef & { RetentionPeriodHours: number },
  direction: 'increase' | 'decrease',
): Promise<void> {
  const stream = await ctx.streams.resolve(ctx.caller, input);
  const hours = input.RetentionPeriodHours;
  checkRetentionRange(hours);
  const nowMs = ctx.now();
  await ctx.streams.update(stream, (meta) => {
    requireStreamStatus(meta);
    const wrongWay = direction === 'increase' ? hours < meta.retentionHours : hours > meta.retentionHours;
    if (wrongWay) {
      const [comparison, other] = direction === 'increase' ? ['shorter', 'Decrease'] : ['longer', 'Increase'];
      throw new KinesisError(
        'InvalidArgumentException',
        `Requested retention period (${hours} hours) for stream ${meta.name} can not be ${comparison} than existing ` +
          `retention period (${meta.retentionHours} hours). Use ${other}RetentionPeriod API.`,
      );
    }
    return startUpdate({ ...meta, retentionHours: hours }, ctx.settings.updateStreamDelayMs, nowMs);
  });
}
