import { randomBytes, randomInt } from 'node:crypto';
import { cbor11Codec, json11Codec } from '@spate/aws-protocol';
import { KinesisRecordList, type StoredRecordBytes } from './kinesis-record-list';
import type { StoredRecord } from './ports/shard-data-plane';
import { encodeSequenceNumber } from './sequence-number';
import { SequenceNumberDigits } from './sequence-number-digits';

/** Keys as AWS allows them: 1 to 256 Unicode characters, here with quotes, escapes, controls and non-ASCII. */
const KEY_CHARACTERS = ['a', 'Z', '0', '-', ' ', '~', '"', '\\', '/', '\n', '\u0001', '\u007f', 'é', '€', '😀', '\u2028'];

function randomKey(): string {
  let key = '';
  const length = randomInt(1, 20);
  const ascii = randomInt(2) === 0;
  for (let i = 0; i < length; i++) key += ascii ? String.fromCharCode(randomInt(0x20, 0x7f)) : KEY_CHARACTERS[randomInt(KEY_CHARACTERS.length)];
  return key;
}

/** Stored records as the log store gives them: views into one buffer holding other bytes around them. */
function asViews(records: StoredRecord[]): Array<StoredRecord & StoredRecordBytes> {
  const parts: Buffer[] = [];
  let at = 0;
  const ranges = records.map((record) => {
    const key = Buffer.from(record.partitionKey, 'utf8');
    const gap = randomBytes(randomInt(0, 5));
    parts.push(gap, key, Buffer.from([0]), record.data);
    const keyStart = at + gap.length;
    at = keyStart + key.length + 1 + record.data.length;
    return { keyStart, keyEnd: keyStart + key.length, dataStart: keyStart + key.length + 1, dataEnd: at };
  });
  const source = Buffer.concat(parts);
  return records.map((record, i) => ({
    offset: record.offset,
    arrivalMs: record.arrivalMs,
    source,
    ...ranges[i],
    get partitionKey() {
      return source.toString('utf8', this.keyStart, this.keyEnd);
    },
    get data() {
      return source.subarray(this.dataStart, this.dataEnd);
    },
  }));
}

function randomRecords(count: number): StoredRecord[] {
  let offset = randomInt(0, 2) === 0 ? randomInt(0, 1000) : randomInt(0, 2 ** 48 - 1) * 32 + randomInt(0, 32);
  let arrivalMs = randomInt(0, 2 ** 47 - 1) * 32 + randomInt(0, 32);
  const records: StoredRecord[] = [];
  for (let i = 0; i < count; i++) {
    // Mostly consecutive offsets and shared arrival times, as reads return them, with jumps.
    offset += randomInt(10) === 0 ? randomInt(2, 1000) : 1;
    if (randomInt(4) === 0) arrivalMs += randomInt(1, 5000);
    records.push({ offset, arrivalMs, partitionKey: randomKey(), data: randomBytes(randomInt(0, 3) === 0 ? randomInt(0, 4) : randomInt(0, 2000)) });
  }
  return records;
}

describe('KinesisRecordList', () => {
  const outputs = (list: KinesisRecordList) => ({
    encoded: { Records: list, MillisBehindLatest: 5, NextShardIterator: 'it' },
    generic: { Records: list.toArray(), MillisBehindLatest: 5, NextShardIterator: 'it' },
  });

  it.each([
    ['JSON 1.1', json11Codec],
    ['CBOR 1.1', cbor11Codec],
  ])('writes the bytes the generic %s writer writes for the same records, plain or as views', (_name, codec) => {
    for (let round = 0; round < 60; round++) {
      const records = randomRecords(randomInt(0, 3) === 0 ? randomInt(0, 3) : randomInt(1, 300));
      const shardIndex = randomInt(0, 3) === 0 ? randomInt(0, 2 ** 31 - 1) : randomInt(0, 10);
      const encrypted = randomInt(2) === 0;
      for (const stored of [records, asViews(records)]) {
        const { encoded, generic } = outputs(new KinesisRecordList(shardIndex, stored, encrypted));
        expect(codec.encode(encoded).equals(codec.encode(generic))).toBe(true);
      }
    }
  });

  it.each([
    ['JSON 1.1', json11Codec],
    ['CBOR 1.1', cbor11Codec],
  ])('writes an empty list (most polls) as the generic %s writer does', (_name, codec) => {
    const { encoded, generic } = outputs(new KinesisRecordList(4, [], false));
    expect(codec.encode(encoded).equals(codec.encode(generic))).toBe(true);
  });

  it('materializes KinesisRecords when iterated or converted', () => {
    const [record] = randomRecords(1);
    const list = new KinesisRecordList(3, [record], true);
    const expected = {
      SequenceNumber: encodeSequenceNumber(3, record.offset),
      ApproximateArrivalTimestamp: new Date(record.arrivalMs),
      Data: record.data,
      PartitionKey: record.partitionKey,
      EncryptionType: 'KMS',
    };
    expect(list.toArray()).toEqual([expected]);
    const [viewed] = [...list];
    expect({ ...expected, ...Object.fromEntries(Object.keys(expected).map((key) => [key, viewed[key as keyof typeof viewed]])) }).toEqual(expected);
    expect(list.length).toBe(1);
    expect(list.dataBytes).toBe(record.data.length);
    expect(new KinesisRecordList(3, asViews([record]), false).dataBytes).toBe(record.data.length);
  });
});

describe('SequenceNumberDigits', () => {
  it('writes the digits encodeSequenceNumber gives, stepping or jumping between offsets', () => {
    for (const shardIndex of [0, 1, 7, 2 ** 31 - 1]) {
      const digits = new SequenceNumberDigits(shardIndex);
      const out = Buffer.alloc(SequenceNumberDigits.length + 2);
      const offsets = [0, 1, 2, 9, 10, 11, 999, 1000, 1001, 2 ** 53 - 3, 2 ** 53 - 2, 2 ** 53 - 1, 5, 6, 2 ** 40 - 1, 2 ** 40];
      for (let i = 0; i < 2000; i++) offsets.push(offsets[offsets.length - 1] + 1);
      for (const offset of offsets) {
        digits.write(offset, out, 1);
        expect(out.toString('latin1', 1, 1 + SequenceNumberDigits.length)).toBe(encodeSequenceNumber(shardIndex, offset));
      }
    }
  });
});
