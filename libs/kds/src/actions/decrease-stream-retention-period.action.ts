import type { DecreaseStreamRetentionPeriodInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { changeRetentionPeriod } from '../retention';

/** A shorter (or equal) retention; the retention sweep then deletes the segments older than it. */
export function decreaseStreamRetentionPeriod(ctx: KdsContext, input: DecreaseStreamRetentionPeriodInput): Promise<void> {
  return changeRetentionPeriod(ctx, input, 'decrease');
}
