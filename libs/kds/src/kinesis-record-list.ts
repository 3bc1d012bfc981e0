import {
  ByteWriter,
  type WireEncodable,
  writeCborHead,
  writeCborItem,
  writeCborText,
  writeJsonString,
} from '@spate/aws-protocol';
import type { KinesisRecord } from './model/kinesis-shapes';
import type { StoredRecord } from './ports/shard-data-plane';
import { encodeSequenceNumber } from './sequence-number';
import { SequenceNumberDigits } from './sequence-number-digits';

/**
 * Where a stored record's partition key (UTF-8) and data lie in a buffer. The log store's records
 * carry these members (they are views over its read buffers; see RecordView there), so GetRecords
 * copies keys and data straight into the response instead of decoding a string and a Buffer per
 * record. Records that came over gRPC are plain StoredRecords without them.
 */
export interface StoredRecordBytes {
  readonly source: Buffer;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly dataStart: number;
  readonly dataEnd: number;
}

/**
 * The Records of a GetRecords answer, over the records as read. It writes itself into the response
 * body (WireEncodable): sequence number, arrival time, data and key go from the records (or the
 * log's read buffers) to the output bytes with no KinesisRecord, Date, sequence-number string or
 * base64 string kept per record, which is most of what a 10,000-record answer cost. The bytes are
 * those the generic writers produce for toArray() (its spec compares them). Iterating materializes
 * KinesisRecord objects, for code that wants them (metrics, specs).
 */
export class KinesisRecordList implements WireEncodable, Iterable<KinesisRecord> {
  constructor(
    private readonly shardIndex: number,
    private readonly records: readonly StoredRecord[],
    private readonly encrypted: boolean,
  ) {}

  get length(): number {
    return this.records.length;
  }

  /** The records' data bytes, counted without decoding them. */
  get dataBytes(): number {
    let bytes = 0;
    for (const record of this.records) bytes += hasBytes(record) ? record.dataEnd - record.dataStart : record.data.length;
    return bytes;
  }

  /**
   * The records as KinesisRecords whose members are computed when read: code that looks at a few
   * members of every record (the edge's metrics count data bytes) should not pay for them all.
   */
  [Symbol.iterator](): Iterator<KinesisRecord> {
    const { records, shardIndex, encrypted } = this;
    let i = 0;
    return {
      next: () =>
        i < records.length ? { done: false, value: new KinesisRecordView(records[i++], shardIndex, encrypted) } : { done: true, value: undefined },
    };
  }

  /** The records as plain KinesisRecords. Records appended together share one Date (which nothing mutates). */
  toArray(): KinesisRecord[] {
    const out = new Array<KinesisRecord>(this.records.length);
    let arrival = new Date(NaN);
    for (let i = 0; i < this.records.length; i++) {
      const record = this.records[i];
      if (record.arrivalMs !== arrival.getTime()) arrival = new Date(record.arrivalMs);
      const kinesisRecord: KinesisRecord = {
        SequenceNumber: encodeSequenceNumber(this.shardIndex, record.offset),
        ApproximateArrivalTimestamp: arrival,
        Data: record.data,
        PartitionKey: record.partitionKey,
      };
      if (this.encrypted) kinesisRecord.EncryptionType = 'KMS';
      out[i] = kinesisRecord;
    }
    return out;
  }

  writeJson(writer: ByteWriter): void {
    const { records } = this;
    if (records.length === 0) {
      // Most polls find nothing: no digits or arrival state to set up for them.
      writer.uint8(0x5b);
      writer.uint8(0x5d);
      return;
    }
    const digits = new SequenceNumberDigits(this.shardIndex);
    const arrival = new ArrivalPiece(jsonArrivalPiece);
    const end = this.encrypted ? JSON_PIECES.encryptedEnd : JSON_PIECES.end;
    writer.reserve(this.estimatedBytes(JSON_RECORD_BYTES, 4 / 3));
    writer.uint8(0x5b);
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      writer.bytes(i === 0 ? JSON_PIECES.first : JSON_PIECES.next);
      const at = writer.claim(SequenceNumberDigits.length);
      digits.write(record.offset, writer.target, at);
      writer.bytes(arrival.of(record.arrivalMs));
      if (hasBytes(record)) {
        const { source } = record;
        writer.base64(source, record.dataStart, record.dataEnd);
        writer.bytes(JSON_PIECES.key);
        if (!writer.quotedPrintableAsciiBytes(source, record.keyStart, record.keyEnd)) {
          writeJsonString(writer, source.toString('utf8', record.keyStart, record.keyEnd));
        }
      } else {
        const { data } = record;
        writer.base64(data, 0, data.length);
        writer.bytes(JSON_PIECES.key);
        writeJsonString(writer, record.partitionKey);
      }
      writer.bytes(end);
    }
    writer.uint8(0x5d);
  }

  writeCbor(writer: ByteWriter): void {
    const { records } = this;
    if (records.length === 0) {
      writeCborHead(writer, 4, 0);
      return;
    }
    const digits = new SequenceNumberDigits(this.shardIndex);
    const arrival = new ArrivalPiece(cborArrivalPiece);
    const pieces = this.encrypted ? CBOR_PIECES.encrypted : CBOR_PIECES.plain;
    writer.reserve(this.estimatedBytes(CBOR_RECORD_BYTES, 1));
    writeCborHead(writer, 4, records.length);
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      writer.bytes(pieces.start);
      const at = writer.claim(SequenceNumberDigits.length);
      digits.write(record.offset, writer.target, at);
      writer.bytes(arrival.of(record.arrivalMs));
      if (hasBytes(record)) {
        const { source, keyStart, keyEnd } = record;
        writeCborHead(writer, 2, record.dataEnd - record.dataStart);
        writer.copy(source, record.dataStart, record.dataEnd);
        writer.bytes(CBOR_PIECES.key);
        if (isAscii(source, keyStart, keyEnd)) {
          writeCborHead(writer, 3, keyEnd - keyStart);
          writer.copy(source, keyStart, keyEnd);
        } else {
          writeCborText(writer, source.toString('utf8', keyStart, keyEnd));
        }
      } else {
        writeCborItem(writer, record.data);
        writer.bytes(CBOR_PIECES.key);
        writeCborText(writer, record.partitionKey);
      }
      if (this.encrypted) writer.bytes(CBOR_PIECES.encryptionType);
    }
  }

  /**
   * At least the size of the output (unless keys need escaping or are not ASCII), and room for the
   * rest of the answer, so that the writer grows once.
   */
  private estimatedBytes(perRecord: number, dataFactor: number): number {
    let bytes = 1024;
    for (const record of this.records) {
      const dataBytes = hasBytes(record) ? record.dataEnd - record.dataStart : record.data.length;
      const keyBytes = hasBytes(record) ? record.keyEnd - record.keyStart : record.partitionKey.length;
      bytes += perRecord + Math.ceil(dataBytes * dataFactor) + keyBytes;
    }
    return bytes;
  }
}

class KinesisRecordView implements KinesisRecord {
  constructor(
    private readonly record: StoredRecord,
    private readonly shardIndex: number,
    private readonly encrypted: boolean,
  ) {}

  get SequenceNumber(): string {
    return encodeSequenceNumber(this.shardIndex, this.record.offset);
  }

  get ApproximateArrivalTimestamp(): Date {
    return new Date(this.record.arrivalMs);
  }

  get Data(): Buffer {
    return this.record.data;
  }

  get PartitionKey(): string {
    return this.record.partitionKey;
  }

  get EncryptionType(): 'KMS' | undefined {
    return this.encrypted ? 'KMS' : undefined;
  }
}

function hasBytes(record: StoredRecord): record is StoredRecord & StoredRecordBytes {
  return (record as Partial<StoredRecordBytes>).source !== undefined;
}

function isAscii(source: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (source[i] > 0x7f) return false;
  return true;
}

/**
 * The bytes from the end of a sequence number to the start of the data, which depend only on the
 * arrival time: records appended together share it, so it is built once per batch.
 */
class ArrivalPiece {
  private arrivalMs = Number.NaN;
  private piece: Buffer = Buffer.alloc(0);

  constructor(private readonly build: (arrival: Date) => Buffer) {}

  of(arrivalMs: number): Buffer {
    if (arrivalMs !== this.arrivalMs) {
      this.piece = this.build(new Date(arrivalMs));
      this.arrivalMs = arrivalMs;
    }
    return this.piece;
  }
}

/** The constant pieces are written by the generic writers themselves, so they cannot drift from them. */
function piece(write: (writer: ByteWriter) => void): Buffer {
  const writer = new ByteWriter(64);
  write(writer);
  return Buffer.from(writer.result());
}

/** A record's members in the order toArray() creates them, which is the order the writers follow. */
const JSON_PIECES = {
  first: piece((w) => {
    w.uint8(0x7b);
    writeJsonString(w, 'SequenceNumber');
    w.uint8(0x3a);
    w.uint8(0x22);
  }),
  next: piece((w) => {
    w.uint8(0x2c);
    w.uint8(0x7b);
    writeJsonString(w, 'SequenceNumber');
    w.uint8(0x3a);
    w.uint8(0x22);
  }),
  key: piece((w) => {
    w.uint8(0x22);
    w.uint8(0x2c);
    writeJsonString(w, 'PartitionKey');
    w.uint8(0x3a);
  }),
  end: piece((w) => w.uint8(0x7d)),
  encryptedEnd: piece((w) => {
    w.uint8(0x2c);
    writeJsonString(w, 'EncryptionType');
    w.uint8(0x3a);
    writeJsonString(w, 'KMS');
    w.uint8(0x7d);
  }),
};
/** Member names, quotes and punctuation of one record, its sequence number and arrival time, and some. */
const JSON_RECORD_BYTES = 192;

function jsonArrivalPiece(arrival: Date): Buffer {
  return piece((w) => {
    w.uint8(0x22);
    w.uint8(0x2c);
    writeJsonString(w, 'ApproximateArrivalTimestamp');
    w.uint8(0x3a);
    // What the generic writer writes for a Date.
    w.latin1(String(arrival.getTime() / 1000));
    w.uint8(0x2c);
    writeJsonString(w, 'Data');
    w.uint8(0x3a);
    w.uint8(0x22);
  });
}

function cborRecordStart(members: number): Buffer {
  return piece((w) => {
    writeCborHead(w, 5, members);
    writeCborText(w, 'SequenceNumber');
    writeCborHead(w, 3, SequenceNumberDigits.length);
  });
}

const CBOR_PIECES = {
  plain: { start: cborRecordStart(4) },
  encrypted: { start: cborRecordStart(5) },
  key: piece((w) => writeCborText(w, 'PartitionKey')),
  encryptionType: piece((w) => {
    writeCborText(w, 'EncryptionType');
    writeCborText(w, 'KMS');
  }),
};
const CBOR_RECORD_BYTES = 160;

function cborArrivalPiece(arrival: Date): Buffer {
  return piece((w) => {
    writeCborText(w, 'ApproximateArrivalTimestamp');
    writeCborItem(w, arrival);
    writeCborText(w, 'Data');
  });
}
