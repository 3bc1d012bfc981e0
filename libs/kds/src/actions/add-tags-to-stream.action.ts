import type { AddTagsToStreamInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { requireStreamStatus } from '../stream-status';
import { describeStream, withTagsAdded } from '../tags';

/** Adds or overwrites tags; a stream holds at most 50. Not while the stream is CREATING or DELETING. */
export async function addTagsToStream(ctx: KdsContext, input: AddTagsToStreamInput): Promise<void> {
  const stream = await ctx.streams.resolve(ctx.caller, input);
  await ctx.streams.update(stream, (meta) => {
    requireStreamStatus(meta, 'ACTIVE', 'UPDATING');
    return { ...meta, tags: withTagsAdded(meta.tags, input.Tags, describeStream(meta)) };
  });
}
