import { BodyPool } from './body-pool';

describe('BodyPool', () => {
  it('pools only sizes within its bounds', () => {
    const pool = new BodyPool(1024, 1024 * 1024, 2);
    expect(pool.take(1023)).toBeUndefined();
    expect(pool.take(1024 * 1024 + 1)).toBeUndefined();
    expect(pool.take(Number.NaN)).toBeUndefined();
    expect(pool.take(1024 * 1024)?.length).toBe(1024 * 1024);
  });

  it('gives back the smallest free buffer that fits, and keeps at most maxFree', () => {
    const pool = new BodyPool(1024, 1024 * 1024, 2);
    const [small, large, extra] = [pool.take(2000), pool.take(500_000), pool.take(3000)] as Buffer[];
    expect(small.length).toBeGreaterThanOrEqual(2000);
    for (const buffer of [large, small, extra]) pool.give(buffer);
    expect(pool.take(1500)).toBe(small);
    expect(pool.take(1500)).toBe(large);
    expect(pool.take(1500)).not.toBe(extra);
  });

  it('when full, keeps its largest buffers', () => {
    const pool = new BodyPool(1024, 1024 * 1024, 2);
    const [a, b, c] = [pool.take(100_000), pool.take(200_000), pool.take(900_000)] as Buffer[];
    for (const buffer of [a, b, c]) pool.give(buffer);
    expect(pool.take(50_000)).toBe(b);
    expect(pool.take(50_000)).toBe(c);
  });
});
