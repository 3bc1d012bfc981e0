import { BodyPool } from './body-pool';
import { ByteWriter } from './byte-writer';

describe('ByteWriter', () => {
  it('without a pool, detaches its bytes with nothing to give back', () => {
    const writer = new ByteWriter(4);
    writer.latin1('hello, world');
    const { bytes, recycle } = writer.detach();
    expect(bytes.toString()).toBe('hello, world');
    expect(recycle).toBeUndefined();
  });

  it('grows a large output into the pool, gives back what it outgrew, and detaches the rest for recycling', () => {
    const pool = new BodyPool(1024, 1024 * 1024, 4);
    const taken: Buffer[] = [];
    const given: Buffer[] = [];
    const spy = { take: (n: number) => record(taken, pool.take(n)), give: (b: Buffer) => given.push(b) && pool.give(b) };
    const writer = new ByteWriter(16, spy as unknown as BodyPool);
    const chunk = Buffer.alloc(700, 7);
    for (let i = 0; i < 300; i++) writer.bytes(chunk);
    const { bytes, recycle } = writer.detach();
    expect(bytes.length).toBe(210_000);
    expect(bytes.every((b) => b === 7)).toBe(true);
    // Every pooled buffer but the last went back as soon as the output moved on to a larger one.
    expect(taken.length).toBeGreaterThan(1);
    expect(given).toEqual(taken.slice(0, -1));
    expect(bytes.buffer).toBe(taken[taken.length - 1].buffer);
    recycle?.();
    recycle?.();
    expect(given).toEqual(taken);
  });
});

function record(list: Buffer[], buffer: Buffer | undefined): Buffer | undefined {
  if (buffer !== undefined) list.push(buffer);
  return buffer;
}
