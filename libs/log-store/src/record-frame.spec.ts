import type { LogRecordInput } from './log-record';
import {
  FRAME_HEADER_BYTES,
  decodeFrame,
  encodeBatch,
  frameArrivalMs,
  frameBytes,
  frameOffset,
  frameRecordBytes,
  frameTotalBytes,
  isIntactFrame,
  planBatch,
} from './record-frame';

const records: LogRecordInput[] = [
  { partitionKey: 'user-1', data: Buffer.from('hello') },
  { partitionKey: 'clé-ü-🙂', explicitHashKey: '340282366920938463463374607431768211455', data: Buffer.from([0, 1, 2]) },
  { partitionKey: 'k'.repeat(300), data: Buffer.alloc(0) },
  { partitionKey: 'x', data: Buffer.alloc(5000, 9) },
];

function encode(input: LogRecordInput[], firstOffset = 40, arrivalMs = 1_700_000_000_123) {
  const plan = planBatch(input);
  const starts: number[] = [];
  const buffer = encodeBatch(plan, firstOffset, arrivalMs, (i, at) => starts.push(at));
  return { plan, buffer, bytes: frameBytes(buffer), starts };
}

describe('record frame', () => {
  it('round-trips every field of every record in a batch', () => {
    const { plan, buffer, bytes, starts } = encode(records);
    expect(buffer.length).toBe(plan.totalBytes);
    const decoded = starts.map((at) => decodeFrame(bytes, at, frameTotalBytes(bytes, at)));
    expect(decoded).toEqual(records.map((record, i) => ({ ...record, offset: 40 + i, arrivalMs: 1_700_000_000_123 })));
    expect(decoded[0]).not.toHaveProperty('explicitHashKey');
  });

  it('lays frames back to back, each intact and sized by its length field', () => {
    const { buffer, bytes, starts } = encode(records);
    starts.forEach((at, i) => {
      const total = frameTotalBytes(bytes, at);
      expect(at + total).toBe(starts[i + 1] ?? buffer.length);
      expect(isIntactFrame(bytes, at, total)).toBe(true);
    });
    expect(frameTotalBytes(bytes, 0)).toBe(FRAME_HEADER_BYTES + 'user-1'.length + 'hello'.length);
  });

  it('encodes into a given buffer when the batch fits, else into its own', () => {
    const { buffer: own } = encode(records);
    const scratch = frameBytes(Buffer.alloc(own.length + 100, 0xee));
    const into = encodeBatch(planBatch(records), 40, 1_700_000_000_123, () => undefined, scratch);
    expect(into.buffer).toBe(scratch.buffer.buffer);
    expect(into.equals(own)).toBe(true);
    const small = frameBytes(Buffer.alloc(own.length - 1));
    const apart = encodeBatch(planBatch(records), 40, 1_700_000_000_123, () => undefined, small);
    expect(apart.buffer).not.toBe(small.buffer.buffer);
    expect(apart.equals(own)).toBe(true);
  });

  it('keeps offsets and arrival times beyond 32 bits', () => {
    const { bytes } = encode(records.slice(0, 1), 2 ** 40 + 7, 2 ** 45 + 3);
    expect(frameOffset(bytes, 0)).toBe(2 ** 40 + 7);
    expect(frameArrivalMs(bytes, 0)).toBe(2 ** 45 + 3);
  });

  it('counts partition key and data bytes against a read budget', () => {
    const { bytes, starts } = encode(records);
    const costs = starts.map((at) => frameRecordBytes(bytes, at, frameTotalBytes(bytes, at)));
    expect(costs).toEqual(records.map((r) => Buffer.byteLength(r.partitionKey) + r.data.length));
  });

  it('decodes data as a view of the frame buffer, not a copy', () => {
    const { buffer, bytes } = encode(records.slice(0, 1));
    const record = decodeFrame(bytes, 0, buffer.length);
    expect(record.data.buffer).toBe(buffer.buffer);
  });

  it.each([
    ['a data byte', (frame: Buffer) => frame[frame.length - 1]++],
    ['the offset', (frame: Buffer) => frame[8]++],
    ['the arrival time', (frame: Buffer) => frame[20]++],
    ['the checksum', (frame: Buffer) => frame[4]++],
    ['the partition key length', (frame: Buffer) => frame[24]++],
  ])('rejects a frame after a change to %s', (_field, damage) => {
    const { buffer, bytes } = encode(records.slice(1, 2));
    damage(buffer);
    expect(isIntactFrame(bytes, 0, buffer.length)).toBe(false);
  });

  it('rejects a frame read with the wrong length', () => {
    const { buffer, bytes } = encode(records.slice(0, 1));
    expect(isIntactFrame(bytes, 0, buffer.length - 1)).toBe(false);
    expect(isIntactFrame(bytes, 0, FRAME_HEADER_BYTES - 1)).toBe(false);
  });

  it('refuses keys that do not fit their length fields, and data that is not a Buffer', () => {
    expect(() => planBatch([{ partitionKey: 'é'.repeat(40_000), data: Buffer.alloc(1) }])).toThrow(RangeError);
    expect(() => planBatch([{ partitionKey: 'k', explicitHashKey: '1'.repeat(256), data: Buffer.alloc(1) }])).toThrow(RangeError);
    expect(() => planBatch([{ partitionKey: 'k', data: 'text' as unknown as Buffer }])).toThrow(TypeError);
  });
});
