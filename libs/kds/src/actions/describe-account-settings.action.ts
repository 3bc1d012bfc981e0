import { readAccountSettings } from '../account-settings';
import { commitmentOutput } from '../account-settings-output';
import type { DescribeAccountSettingsOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';

/** An account that never changed its settings has the commitment DISABLED. */
export async function describeAccountSettings(ctx: KdsContext): Promise<DescribeAccountSettingsOutput> {
  const settings = await readAccountSettings(ctx.store, ctx.caller, ctx.now());
  return { MinimumThroughputBillingCommitment: commitmentOutput(settings) };
}
