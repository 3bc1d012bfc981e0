import { KinesisError } from '../kinesis-error';
import type { PutRecordsInput, PutRecordsOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { PutRecordsResultList } from '../put-records-result-list';
import { checkRecordSizes, MAX_PUT_RECORDS_BYTES, recordBytes, writableStream, writeRecords } from '../record-writer';

/** PutRecordsOutput with its Records as a list that writes itself to the wire (see PutRecordsResultList). */
export type PutRecordsAnswer = Omit<PutRecordsOutput, 'Records'> & { Records: PutRecordsResultList };

/**
 * Entries that fail carry ErrorCode and ErrorMessage in place of a sequence number, in input
 * order: ProvisionedThroughputExceededException when the shard's limit refused the record,
 * InternalFailure when its shard could not append it. The request itself fails only for what is
 * wrong with the request.
 */
export async function putRecords(ctx: KdsContext, input: PutRecordsInput): Promise<PutRecordsAnswer> {
  const meta = await writableStream(ctx, input);
  checkRecordSizes(meta, input.Records, (i) => `records.${i + 1}.member.data`);
  if (input.Records.reduce((sum, record) => sum + recordBytes(record), 0) > MAX_PUT_RECORDS_BYTES) {
    throw new KinesisError('InvalidArgumentException', 'Records size exceeds 10 MB limit');
  }
  const records = new PutRecordsResultList(await writeRecords(ctx, input, meta, input.Records));
  const output: PutRecordsAnswer = { FailedRecordCount: records.failedCount, Records: records };
  if (meta.encryption.type === 'KMS') output.EncryptionType = 'KMS';
  return output;
}
