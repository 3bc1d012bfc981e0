import type { PutResourcePolicyInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { checkPolicyDocument } from '../resource-policy';
import { findResource, patchResource } from '../resource-lookup';
import { requireStreamStatus } from '../stream-status';

/** Attaches (or replaces) the policy of a stream or consumer; it is deleted with its resource. */
export async function putResourcePolicy(ctx: KdsContext, input: PutResourcePolicyInput): Promise<void> {
  checkPolicyDocument(input.Policy);
  const found = await findResource(ctx, input.ResourceARN);
  await ctx.streams.update(found.stream, (meta) => {
    requireStreamStatus(meta, 'ACTIVE', 'UPDATING');
    return patchResource(meta, found, () => ({ resourcePolicy: input.Policy }));
  });
}
