import type { UntagResourceInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { findResource, patchResource, taggedResource } from '../resource-lookup';
import { requireStreamStatus } from '../stream-status';
import { withTagsRemoved } from '../tags';

/** RemoveTagsFromStream by ARN, for streams and consumers alike. */
export async function untagResource(ctx: KdsContext, input: UntagResourceInput): Promise<void> {
  const found = await findResource(ctx, input.ResourceARN);
  await ctx.streams.update(found.stream, (meta) => {
    requireStreamStatus(meta, 'ACTIVE', 'UPDATING');
    return patchResource(meta, found, (resource) => ({
      tags: withTagsRemoved(resource.tags, input.TagKeys, taggedResource(meta, found)),
    }));
  });
}
