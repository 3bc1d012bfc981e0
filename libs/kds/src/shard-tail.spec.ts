import { MemoryDataPlane } from './testing/memory-data-plane';
import type { ReadRecordsResult, TailRequest } from './ports/shard-data-plane';

const address = { streamId: 'stream-1', shardId: 'shardId-000000000000' };
const record = (n: number) => ({ partitionKey: `pk-${n}`, data: Buffer.from(`data-${n}`) });

function request(overrides: Partial<TailRequest> = {}): TailRequest {
  return { ...address, fromOffset: 0, maxRecords: 100, maxBytes: 1 << 20, keepAliveMs: 60_000, ...overrides };
}

/** Settles with the next read, or 'pending' if none comes within `ms`. */
async function within(ms: number, next: Promise<IteratorResult<ReadRecordsResult>>): Promise<ReadRecordsResult | 'pending'> {
  const result = await Promise.race([next, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);
  if (result === 'pending') return result;
  if (result.done) throw new Error('the tail ended');
  return result.value;
}

describe('tail of a shard', () => {
  let plane: MemoryDataPlane;
  let stop: AbortController;
  beforeEach(() => {
    plane = new MemoryDataPlane(() => Date.now());
    stop = new AbortController();
  });
  afterEach(() => stop.abort());

  it('delivers what is there at once, then each append as it happens, from where the last read ended', async () => {
    await plane.append({ ...address, records: [record(0), record(1)] });
    const tail = plane.tail(request(), stop.signal)[Symbol.asyncIterator]();
    const first = await within(1000, tail.next());
    expect(first !== 'pending' && first.records.map((r) => r.offset)).toEqual([0, 1]);

    const waiting = tail.next();
    expect(await within(50, waiting)).toBe('pending');
    await plane.append({ ...address, records: [record(2)] });
    const pushed = await within(1000, waiting);
    expect(pushed !== 'pending' && pushed.records.map((r) => r.partitionKey)).toEqual(['pk-2']);
  });

  it('reads only when asked: appends made meanwhile come in the next read, within its limits', async () => {
    const tail = plane.tail(request({ maxRecords: 2 }), stop.signal)[Symbol.asyncIterator]();
    await plane.append({ ...address, records: [record(0), record(1), record(2)] });
    const reads: number[][] = [];
    for (let i = 0; i < 2; i++) {
      const read = await within(1000, tail.next());
      if (read !== 'pending') reads.push(read.records.map((r) => r.offset));
    }
    expect(reads).toEqual([[0, 1], [2]]);
  });

  it('sends an empty read with the bounds after the keep-alive without records', async () => {
    await plane.append({ ...address, records: [record(0)] });
    const tail = plane.tail(request({ fromOffset: 1, keepAliveMs: 30 }), stop.signal)[Symbol.asyncIterator]();
    const started = Date.now();
    const read = await within(1000, tail.next());
    expect(read !== 'pending' && [read.records.length, read.nextOffset]).toEqual([0, 1]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('starts at the trim horizon when the offset asked for is gone', async () => {
    const clock = { now: 1_000 };
    plane = new MemoryDataPlane(() => clock.now);
    await plane.append({ ...address, records: [record(0)] });
    clock.now = 2_000;
    await plane.append({ ...address, records: [record(1)] });
    await plane.trim(address, 1_500);
    const read = await within(1000, plane.tail(request(), stop.signal)[Symbol.asyncIterator]().next());
    expect(read !== 'pending' && read.records.map((r) => r.offset)).toEqual([1]);
  });

  it('ends when its signal aborts, also while waiting for records', async () => {
    const tail = plane.tail(request(), stop.signal)[Symbol.asyncIterator]();
    const waiting = tail.next();
    stop.abort();
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
  });
});
