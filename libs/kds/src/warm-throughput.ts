import { commitmentInForce, readAccountSettings } from './account-settings';
import { KinesisError } from './kinesis-error';
import type { KdsContext } from './ports/kds-context';
import type { StreamMode } from './ports/stream-meta';

/** The most warm throughput an on-demand stream may ask for (AWS: 10 GiB/s). */
export const MAX_WARM_THROUGHPUT_MIBPS = 10_240;

/**
 * AWS's preconditions for warm throughput: an ON_DEMAND stream, in an account whose minimum
 * throughput billing commitment is in force, asking for no more than 10 GiB/s.
 */
export async function checkWarmThroughput(ctx: KdsContext, mode: StreamMode, mibps: number): Promise<void> {
  if (mode !== 'ON_DEMAND') {
    throw new KinesisError('InvalidArgumentException', 'Warm throughput is only supported for streams in ON_DEMAND mode.');
  }
  const settings = await readAccountSettings(ctx.store, ctx.caller, ctx.now());
  if (!commitmentInForce(settings)) {
    throw new KinesisError(
      'InvalidArgumentException',
      `Warm throughput requires MinimumThroughputBillingCommitment to be enabled for the account ${ctx.caller.account}.`,
    );
  }
  if (mibps > MAX_WARM_THROUGHPUT_MIBPS) {
    throw new KinesisError(
      'LimitExceededException',
      `Requested warm throughput of ${mibps} MiBps exceeds the limit of ${MAX_WARM_THROUGHPUT_MIBPS} MiBps.`,
    );
  }
}
