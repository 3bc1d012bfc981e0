import type { ListTagsForStreamInput, ListTagsForStreamOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { MAX_TAGS, tagList } from '../tags';

/** Tags by key, after ExclusiveStartTagKey, at most Limit of them (all 50 a stream can hold by default). */
export async function listTagsForStream(ctx: KdsContext, input: ListTagsForStreamInput): Promise<ListTagsForStreamOutput> {
  const meta = await ctx.streams.resolve(ctx.caller, input);
  const after = input.ExclusiveStartTagKey;
  const tags = tagList(meta.tags).filter((tag) => after === undefined || tag.Key > after);
  const page = tags.slice(0, input.Limit ?? MAX_TAGS);
  return { Tags: page, HasMoreTags: tags.length > page.length };
}
