import { KinesisError } from '../kinesis-error';
import type { DeleteStreamInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import type { StreamMeta } from '../ports/stream-meta';
import { requireStreamStatus } from '../stream-status';

/**
 * The stream is DELETING for `deleteStreamDelayMs`, then gone; with no delay it is gone at once.
 * Either way the repository's onStreamGone hook drops its shard logs when the document goes. A
 * stream with registered consumers is only deleted when EnforceConsumerDeletion says so; its
 * consumers go with it.
 */
export async function deleteStream(ctx: KdsContext, input: DeleteStreamInput): Promise<void> {
  const { name, account, region } = await ctx.streams.resolve(ctx.caller, input);
  const key = { name, account, region };
  const nowMs = ctx.now();
  await ctx.streams.update(key, (meta) => {
    requireStreamStatus(meta, 'ACTIVE', 'UPDATING');
    if (meta.consumers.length > 0 && !input.EnforceConsumerDeletion) {
      throw new KinesisError(
        'ResourceInUseException',
        `Stream ${meta.name} under account ${meta.account} has registered consumers. ` +
          'Deregister them first, or set EnforceConsumerDeletion.',
      );
    }
    const deleting: StreamMeta = { ...meta, status: 'DELETING', statusChangeAtMs: nowMs + ctx.settings.deleteStreamDelayMs };
    delete deleting.pendingStatus;
    return deleting;
  });
  // Reading the document settles a deletion that is already due, so without a delay it is gone now.
  if (ctx.settings.deleteStreamDelayMs === 0) await ctx.streams.get(key);
}
