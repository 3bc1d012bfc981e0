import type { IncreaseStreamRetentionPeriodInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { changeRetentionPeriod } from '../retention';

/** A longer (or equal) retention; records already past the old one stay gone, as on AWS. */
export function increaseStreamRetentionPeriod(ctx: KdsContext, input: IncreaseStreamRetentionPeriodInput): Promise<void> {
  return changeRetentionPeriod(ctx, input, 'increase');
}
