import { ByteWriter, type WireEncodable, writeCborItem, writeJsonString, writeJsonValue } from '@spate/aws-protocol';
import type { PutRecordsResultEntry } from './model/kinesis-shapes';
import type { WriteOutcomes } from './record-writer';
import { SequenceNumberDigits } from './sequence-number-digits';

/**
 * The Records of a PutRecords answer, over what became of each record. It writes itself into the
 * response body (WireEncodable): a written record's sequence number goes from its offset to the
 * output digits, its shard id from a piece built once per shard, with no entry object or string
 * per record, which the generic writer spent most of a 500-record answer's encoding on. The bytes
 * are those the generic writers produce for toArray() (its spec compares them).
 */
export class PutRecordsResultList implements WireEncodable, Iterable<PutRecordsResultEntry> {
  constructor(private readonly outcomes: WriteOutcomes) {}

  get length(): number {
    return this.outcomes.length;
  }

  /** Entries carrying an ErrorCode. */
  get failedCount(): number {
    return this.outcomes.failedCount;
  }

  [Symbol.iterator](): Iterator<PutRecordsResultEntry> {
    return this.toArray()[Symbol.iterator]();
  }

  toArray(): PutRecordsResultEntry[] {
    return Array.from({ length: this.length }, (_, i) => this.entry(i));
  }

  writeJson(writer: ByteWriter): void {
    const { outcomes } = this;
    const digits = outcomes.shards.map((shard) => new SequenceNumberDigits(shard.index));
    const entries = outcomes.shards.map((shard) => jsonEntry(shard.shardId));
    writer.reserve(outcomes.length * (entries[0]?.length ?? 0) + 2);
    writer.uint8(0x5b);
    for (let i = 0; i < outcomes.length; i++) {
      const slot = outcomes.slotOf(i);
      if (slot < 0) {
        if (i > 0) writer.uint8(0x2c);
        writeJsonValue(writer, this.entry(i));
        continue;
      }
      // The entry from its shard's template, comma and all but for the first, then its digits.
      const entry = entries[slot];
      const from = i === 0 ? 1 : 0;
      const at = writer.claim(entry.length - from) - from;
      const { target } = writer;
      entry.copy(target, at + from, from);
      // A shard's records come in offset order, so each number steps from the previous one.
      digits[slot].write(outcomes.offsetOf(i), target, at + JSON_DIGITS_AT);
    }
    writer.uint8(0x5d);
  }

  writeCbor(writer: ByteWriter): void {
    writeCborItem(writer, this.toArray());
  }

  private entry(i: number): PutRecordsResultEntry {
    const outcome = this.outcomes.outcome(i);
    if (outcome.written) return { SequenceNumber: outcome.sequenceNumber, ShardId: outcome.shardId };
    return outcome.throttled
      ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: outcome.message }
      : { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' };
  }
}

/** The constant pieces are written by the generic writers themselves, so they cannot drift from them. */
function piece(write: (writer: ByteWriter) => void): Buffer {
  const writer = new ByteWriter(64);
  write(writer);
  return Buffer.from(writer.result());
}

/** Where the sequence number's digits go in an entry (see jsonEntry). */
const JSON_DIGITS_AT = piece((w) => {
  w.uint8(0x2c);
  w.uint8(0x7b);
  writeJsonString(w, 'SequenceNumber');
  w.uint8(0x3a);
  w.uint8(0x22);
}).length;

/**
 * A written record's entry as a later item of the list, from its leading comma to its closing
 * brace, with zeros where the digits of its sequence number go.
 */
function jsonEntry(shardId: string): Buffer {
  return piece((w) => {
    w.uint8(0x2c);
    w.uint8(0x7b);
    writeJsonString(w, 'SequenceNumber');
    w.uint8(0x3a);
    writeJsonString(w, '0'.repeat(SequenceNumberDigits.length));
    w.uint8(0x2c);
    writeJsonString(w, 'ShardId');
    w.uint8(0x3a);
    writeJsonString(w, shardId);
    w.uint8(0x7d);
  });
}
