import { KinesisError } from './kinesis-error';

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
