import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ShardLog } from '@spate/log-store';
import { decodeRecordsToAppend, decodeStoredRecords, encodeRecordsToAppend, encodeStoredRecords } from './record-batch';

describe('record batches', () => {
  const toAppend = [
    { partitionKey: 'plain', data: Buffer.from('one') },
    { partitionKey: 'ключ-ü-😀', explicitHashKey: '340282366920938463463374607431768211455', data: Buffer.alloc(0) },
    { partitionKey: 'k'.repeat(256), data: Buffer.alloc(70_000, 7) },
  ];

  it('carry records to append there and back, keys in UTF-8, hash keys only where given', () => {
    const decoded = decodeRecordsToAppend(encodeRecordsToAppend(toAppend));
    expect(decoded.map((r) => ({ ...r, data: Buffer.from(r.data) }))).toEqual(toAppend);
    expect('explicitHashKey' in decoded[0]).toBe(false);
    expect(decodeRecordsToAppend(Buffer.alloc(0))).toEqual([]);
  });

  it('carry stored records with offsets and arrival times beyond 32 bits, as views over the batch', () => {
    const stored = [
      { offset: 0, arrivalMs: 1_790_000_000_123, partitionKey: 'a', data: Buffer.from('x') },
      { offset: 2 ** 40 + 5, arrivalMs: 2 ** 50, partitionKey: 'é', explicitHashKey: '42', data: Buffer.from('yz') },
    ];
    const batch = encodeStoredRecords(stored);
    const views = decodeStoredRecords(batch);
    expect(views.map((v) => v.toLogRecord())).toEqual(stored);
    expect(views[1].source).toBe(batch);
  });

  it('copy records read from a log (views over its read buffers) without decoding them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spate-batch-'));
    const log = await ShardLog.open({ dir, fsync: 'os' });
    try {
      await log.append(toAppend, 1_000);
      const views = log.readViews(0, 10, 1 << 30);
      const decoded = decodeStoredRecords(encodeStoredRecords(views));
      expect(decoded.map((v) => v.toLogRecord())).toEqual(views.map((v) => v.toLogRecord()));
    } finally {
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuse a truncated batch instead of reading past it', () => {
    const batch = encodeRecordsToAppend(toAppend);
    expect(() => decodeRecordsToAppend(batch.subarray(0, batch.length - 1))).toThrow(RangeError);
    const stored = encodeStoredRecords([{ offset: 1, arrivalMs: 2, partitionKey: 'k', data: Buffer.from('d') }]);
    expect(() => decodeStoredRecords(stored.subarray(0, 10))).toThrow(RangeError);
  });
});
