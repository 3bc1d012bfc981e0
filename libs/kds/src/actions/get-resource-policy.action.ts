import type { GetResourcePolicyInput, GetResourcePolicyOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { findResource } from '../resource-lookup';
import { NO_POLICY } from '../resource-policy';

/** The policy text as it was put; `{}` when the resource has none. */
export async function getResourcePolicy(ctx: KdsContext, input: GetResourcePolicyInput): Promise<GetResourcePolicyOutput> {
  const { stream, consumer } = await findResource(ctx, input.ResourceARN);
  return { Policy: (consumer ?? stream).resourcePolicy ?? NO_POLICY };
}
