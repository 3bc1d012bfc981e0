import type { TagResourceInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { findResource, patchResource, taggedResource } from '../resource-lookup';
import { requireStreamStatus } from '../stream-status';
import { withTagsAdded } from '../tags';

/** AddTagsToStream by ARN, for streams and consumers alike. */
export async function tagResource(ctx: KdsContext, input: TagResourceInput): Promise<void> {
  const found = await findResource(ctx, input.ResourceARN);
  await ctx.streams.update(found.stream, (meta) => {
    requireStreamStatus(meta, 'ACTIVE', 'UPDATING');
    return patchResource(meta, found, (resource) => ({
      tags: withTagsAdded(resource.tags, input.Tags, taggedResource(meta, found)),
    }));
  });
}
