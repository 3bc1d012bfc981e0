import type { RemoveTagsFromStreamInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { requireStreamStatus } from '../stream-status';
import { describeStream, withTagsRemoved } from '../tags';

/** Removes the named tags; keys the stream does not have are ignored. */
export async function removeTagsFromStream(ctx: KdsContext, input: RemoveTagsFromStreamInput): Promise<void> {
  const stream = await ctx.streams.resolve(ctx.caller, input);
  await ctx.streams.update(stream, (meta) => {
    requireStreamStatus(meta, 'ACTIVE', 'UPDATING');
    return { ...meta, tags: withTagsRemoved(meta.tags, input.TagKeys, describeStream(meta)) };
  });
}
