import { KinesisError } from '../kinesis-error';
import type { StopStreamEncryptionInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { requireStreamStatus, startUpdate } from '../stream-status';

/** Turns server-side encryption off; the stream is UPDATING for `updateStreamDelayMs`. */
export async function stopStreamEncryption(ctx: KdsContext, input: StopStreamEncryptionInput): Promise<void> {
  if (input.EncryptionType !== 'KMS') {
    throw new KinesisError('InvalidArgumentException', 'KMS is the only valid EncryptionType for StopStreamEncryption.');
  }
  const stream = await ctx.streams.resolve(ctx.caller, input);
  const nowMs = ctx.now();
  await ctx.streams.update(stream, (meta) => {
    requireStreamStatus(meta);
    return startUpdate({ ...meta, encryption: { type: 'NONE' } }, ctx.settings.updateStreamDelayMs, nowMs);
  });
}
