import type { ListTagsForResourceInput, ListTagsForResourceOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { findResource } from '../resource-lookup';
import { tagList } from '../tags';

/** Every tag of a stream or consumer, by key; the operation has no pagination. */
export async function listTagsForResource(
  ctx: KdsContext,
  input: ListTagsForResourceInput,
): Promise<ListTagsForResourceOutput> {
  const { stream, consumer } = await findResource(ctx, input.ResourceARN);
  return { Tags: tagList((consumer ?? stream).tags) };
}
