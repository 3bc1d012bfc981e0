import type { LogRecord } from './log-record';

/**
 * A record as read, viewed in the read buffer that holds its frame: the offset and arrival time
 * are read at once, the partition key and data only when asked for. Its byte ranges are public so
 * that an encoder can copy the key and data straight out of `source` — the all-in-one server's
 * GetRecords writes them into the response that way — instead of building a string and a Buffer
 * view per record. The buffer is never written again, so a view stays valid.
 */
export class RecordView implements LogRecord {
  constructor(
    readonly offset: number,
    readonly arrivalMs: number,
    /** The read buffer holding the frame. */
    readonly source: Buffer,
    /** The partition key is source[keyStart, keyEnd), UTF-8. */
    readonly keyStart: number,
    readonly keyEnd: number,
    /** The data are source[dataStart, dataEnd); the explicit hash key lies between keyEnd + 1 and dataStart. */
    readonly dataStart: number,
    readonly dataEnd: number,
  ) {}

  get partitionKey(): string {
    return this.source.toString('utf8', this.keyStart, this.keyEnd);
  }

  get explicitHashKey(): string | undefined {
    return this.dataStart > this.keyEnd + 1 ? this.source.toString('utf8', this.keyEnd + 1, this.dataStart) : undefined;
  }

  get data(): Buffer {
    return this.source.subarray(this.dataStart, this.dataEnd);
  }

  /** The record as a plain object (its data still a view of the read buffer). */
  toLogRecord(): LogRecord {
    const record: LogRecord = { offset: this.offset, arrivalMs: this.arrivalMs, partitionKey: this.partitionKey, data: this.data };
    const { explicitHashKey } = this;
    if (explicitHashKey !== undefined) record.explicitHashKey = explicitHashKey;
    return record;
  }
}
