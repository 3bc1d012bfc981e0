import { RecordView } from '@spate/log-store';
import type { RecordToAppend, StoredRecord, StoredRecordBytes } from '@spate/kds';

/**
 * Records travel between gateways and brokers as one `bytes` field per call (see broker.proto),
 * not as a repeated message: encoding and decoding a protobuf object per record cost more than the
 * rest of the broker's work. Both layouts are length-prefixed, big-endian.
 *
 * Records to append, each: key length u16, hash key length u16 (0: none), data length u32, then
 * the partition key (UTF-8), the explicit hash key (ASCII digits), the data.
 *
 * Stored records, each: offset (u32 high, u32 low), arrival ms (u32 high, u32 low), key length
 * u16, hash key length u16, data length u32, then the key, one zero byte, the hash key, the data.
 * Decoded they are RecordViews over the received buffer, so a GetRecords answer copies keys and
 * data from it without a string or Buffer per record.
 */
const APPEND_HEADER = 8;
const STORED_HEADER = 24;
const TWO_32 = 2 ** 32;

export function encodeRecordsToAppend(records: readonly RecordToAppend[]): Buffer {
  let size = 0;
  const keyLengths = new Array<number>(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    keyLengths[i] = Buffer.byteLength(r.partitionKey, 'utf8');
    size += APPEND_HEADER + keyLengths[i] + (r.explicitHashKey?.length ?? 0) + r.data.length;
  }
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const hashKeyLength = r.explicitHashKey?.length ?? 0;
    out.writeUInt16BE(keyLengths[i], pos);
    out.writeUInt16BE(hashKeyLength, pos + 2);
    out.writeUInt32BE(r.data.length, pos + 4);
    pos += APPEND_HEADER;
    pos += out.write(r.partitionKey, pos, 'utf8');
    if (hashKeyLength) pos += out.write(r.explicitHashKey as string, pos, 'latin1');
    pos += r.data.copy(out, pos);
  }
  return out;
}

export function decodeRecordsToAppend(batch: Uint8Array): RecordToAppend[] {
  const buf = asBuffer(batch);
  const records: RecordToAppend[] = [];
  let pos = 0;
  while (pos < buf.length) {
    need(buf, pos, APPEND_HEADER);
    const keyLength = buf.readUInt16BE(pos);
    const hashKeyLength = buf.readUInt16BE(pos + 2);
    const dataLength = buf.readUInt32BE(pos + 4);
    pos += APPEND_HEADER;
    need(buf, pos, keyLength + hashKeyLength + dataLength);
    const record: RecordToAppend = { partitionKey: buf.toString('utf8', pos, pos + keyLength), data: buf.subarray(0, 0) };
    pos += keyLength;
    if (hashKeyLength) {
      record.explicitHashKey = buf.toString('latin1', pos, pos + hashKeyLength);
      pos += hashKeyLength;
    }
    record.data = buf.subarray(pos, pos + dataLength);
    pos += dataLength;
    records.push(record);
  }
  return records;
}

export function encodeStoredRecords(records: readonly StoredRecord[]): Buffer {
  let size = 0;
  for (const r of records) {
    const bytes = bytesOf(r);
    const keyLength = bytes ? bytes.keyEnd - bytes.keyStart : Buffer.byteLength(r.partitionKey, 'utf8');
    size += STORED_HEADER + keyLength + 1 + (r.explicitHashKey?.length ?? 0) + (bytes ? bytes.dataEnd - bytes.dataStart : r.data.length);
  }
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (const r of records) {
    const bytes = bytesOf(r);
    const hashKey = r.explicitHashKey;
    const headerAt = pos;
    out.writeUInt32BE(Math.floor(r.offset / TWO_32), pos);
    out.writeUInt32BE(r.offset % TWO_32, pos + 4);
    out.writeUInt32BE(Math.floor(r.arrivalMs / TWO_32), pos + 8);
    out.writeUInt32BE(r.arrivalMs % TWO_32, pos + 12);
    pos += STORED_HEADER;
    const keyStart = pos;
    pos += bytes ? bytes.source.copy(out, pos, bytes.keyStart, bytes.keyEnd) : out.write(r.partitionKey, pos, 'utf8');
    const keyLength = pos - keyStart;
    out[pos++] = 0;
    if (hashKey) pos += out.write(hashKey, pos, 'latin1');
    const dataLength = bytes ? bytes.source.copy(out, pos, bytes.dataStart, bytes.dataEnd) : r.data.copy(out, pos);
    pos += dataLength;
    out.writeUInt16BE(keyLength, headerAt + 16);
    out.writeUInt16BE(hashKey?.length ?? 0, headerAt + 18);
    out.writeUInt32BE(dataLength, headerAt + 20);
  }
  return out;
}

export function decodeStoredRecords(batch: Uint8Array): RecordView[] {
  const buf = asBuffer(batch);
  const records: RecordView[] = [];
  let pos = 0;
  while (pos < buf.length) {
    need(buf, pos, STORED_HEADER);
    const offset = buf.readUInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
    const arrivalMs = buf.readUInt32BE(pos + 8) * TWO_32 + buf.readUInt32BE(pos + 12);
    const keyLength = buf.readUInt16BE(pos + 16);
    const hashKeyLength = buf.readUInt16BE(pos + 18);
    const dataLength = buf.readUInt32BE(pos + 20);
    pos += STORED_HEADER;
    need(buf, pos, keyLength + 1 + hashKeyLength + dataLength);
    const keyEnd = pos + keyLength;
    const dataStart = keyEnd + 1 + hashKeyLength;
    records.push(new RecordView(offset, arrivalMs, buf, pos, keyEnd, dataStart, dataStart + dataLength));
    pos = dataStart + dataLength;
  }
  return records;
}

function bytesOf(record: StoredRecord): StoredRecordBytes | undefined {
  return (record as Partial<StoredRecordBytes>).source !== undefined ? (record as unknown as StoredRecordBytes) : undefined;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function need(buf: Buffer, pos: number, length: number): void {
  if (pos + length > buf.length) throw new RangeError(`record batch truncated: ${length} bytes needed at ${pos}, ${buf.length - pos} left`);
}
