import { KinesisError } from '../kinesis-error';
import type { StartStreamEncryptionInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { requireStreamStatus, startUpdate } from '../stream-status';

/**
 * Records the KMS key and reports it; Spate does not call KMS, so the key is not checked and
 * records are stored as they are. The stream is UPDATING for `updateStreamDelayMs`.
 */
export async function startStreamEncryption(ctx: KdsContext, input: StartStreamEncryptionInput): Promise<void> {
  if (input.EncryptionType !== 'KMS') {
    throw new KinesisError('InvalidArgumentException', 'KMS is the only valid EncryptionType for StartStreamEncryption.');
  }
  const stream = await ctx.streams.resolve(ctx.caller, input);
  const nowMs = ctx.now();
  await ctx.streams.update(stream, (meta) => {
    requireStreamStatus(meta);
    const encryption = { type: 'KMS' as const, keyId: input.KeyId };
    return startUpdate({ ...meta, encryption }, ctx.settings.updateStreamDelayMs, nowMs);
  });
}
