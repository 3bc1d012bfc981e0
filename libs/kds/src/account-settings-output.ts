import type { AccountSettings } from './account-settings';
import type { MinimumThroughputBillingCommitmentOutput } from './model/kinesis-shapes';

/** The commitment as DescribeAccountSettings and UpdateAccountSettings report it. */
export function commitmentOutput({ commitment }: AccountSettings): MinimumThroughputBillingCommitmentOutput {
  const output: MinimumThroughputBillingCommitmentOutput = { Status: commitment.status };
  if (commitment.startedMs !== undefined) output.StartedAt = new Date(commitment.startedMs);
  if (commitment.endedMs !== undefined) output.EndedAt = new Date(commitment.endedMs);
  if (commitment.earliestAllowedEndMs !== undefined) {
    output.EarliestAllowedEndAt = new Date(commitment.earliestAllowedEndMs);
  }
  return output;
}
