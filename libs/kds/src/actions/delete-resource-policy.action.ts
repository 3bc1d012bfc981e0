import type { DeleteResourcePolicyInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { findResource, patchResource } from '../resource-lookup';
import { requireStreamStatus } from '../stream-status';

/** Removes the policy of a stream or consumer; a resource without one is left as it is. */
export async function deleteResourcePolicy(ctx: KdsContext, input: DeleteResourcePolicyInput): Promise<void> {
  const found = await findResource(ctx, input.ResourceARN);
  await ctx.streams.update(found.stream, (meta) => {
    requireStreamStatus(meta, 'ACTIVE', 'UPDATING');
    return patchResource(meta, found, () => ({ resourcePolicy: undefined }));
  });
}
