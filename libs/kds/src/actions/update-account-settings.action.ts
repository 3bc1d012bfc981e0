import { updateCommitment } from '../account-settings';
import { commitmentOutput } from '../account-settings-output';
import type { UpdateAccountSettingsInput, UpdateAccountSettingsOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';

/**
 * Synchronous, as on AWS. Disabling within the first 24 hours of a commitment schedules its end
 * (ENABLED_UNTIL_EARLIEST_ALLOWED_END); enabling again before then cancels that.
 */
export async function updateAccountSettings(
  ctx: KdsContext,
  input: UpdateAccountSettingsInput,
): Promise<UpdateAccountSettingsOutput> {
  const requested = input.MinimumThroughputBillingCommitment.Status;
  const settings = await updateCommitment(ctx.store, ctx.caller, requested, ctx.now());
  return { MinimumThroughputBillingCommitment: commitmentOutput(settings) };
}
