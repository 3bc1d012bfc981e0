import type { UpdateMaxRecordSizeInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { requireStreamStatus } from '../stream-status';

/** The model bounds the size to 1024–10240 KiB; PutRecord(s) enforce the new size from now on. */
export async function updateMaxRecordSize(ctx: KdsContext, input: UpdateMaxRecordSizeInput): Promise<void> {
  const stream = await ctx.streams.resolve(ctx.caller, input);
  await ctx.streams.update(stream, (meta) => {
    requireStreamStatus(meta);
    return { ...meta, maxRecordSizeKiB: input.MaxRecordSizeInKiB };
  });
}
