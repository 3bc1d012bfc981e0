import { KinesisError } from '../kinesis-error';
import type { PutRecordInput, PutRecordOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { checkRecordSizes, writableStream, writeRecords } from '../record-writer';
import { decodeSequenceNumber } from '../sequence-number';

/**
 * SequenceNumberForOrdering is accepted but needs no work: sequence numbers already grow strictly
 * within a shard. It must still be a sequence number Spate could have issued.
 */
export async function putRecord(ctx: KdsContext, input: PutRecordInput): Promise<PutRecordOutput> {
  const meta = await writableStream(ctx, input);
  checkRecordSizes(meta, [input], () => 'data');
  if (input.SequenceNumberForOrdering !== undefined && !decodeSequenceNumber(input.SequenceNumberForOrdering)) {
    throw new KinesisError(
      'InvalidArgumentException',
      `ExclusiveMinimumSequenceNumber ${input.SequenceNumberForOrdering} used in PutRecord on stream ${meta.name} ` +
        `under account ${meta.account} is invalid.`,
    );
  }
  const outcome = (await writeRecords(ctx, input, meta, [input])).outcome(0);
  if (!outcome.written) {
    if (outcome.throttled) throw new KinesisError('ProvisionedThroughputExceededException', outcome.message);
    throw outcome.error;
  }
  const output: PutRecordOutput = { ShardId: outcome.shardId, SequenceNumber: outcome.sequenceNumber };
  if (meta.encryption.type === 'KMS') output.EncryptionType = 'KMS';
  return output;
}
