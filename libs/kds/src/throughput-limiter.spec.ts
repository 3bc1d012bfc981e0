import { ThroughputLimiter } from './throughput-limiter';

const MiB = 1024 * 1024;

describe('throughput limiter', () => {
  const t0 = 1_000_000;

  it('admits 1,000 records per second per shard, and more as time passes', () => {
    const limiter = new ThroughputLimiter();
    for (let i = 0; i < 1000; i++) expect(limiter.tryWrite('s/a', 10, t0)).toBe(true);
    expect(limiter.tryWrite('s/a', 10, t0)).toBe(false);
    expect(limiter.tryWrite('s/b', 10, t0)).toBe(true);
    expect(limiter.tryWrite('s/a', 10, t0 + 1)).toBe(true);
    expect(limiter.tryWrite('s/a', 10, t0 + 1)).toBe(false);
  });

  it('admits 1 MiB per second per shard', () => {
    const limiter = new ThroughputLimiter();
    expect(limiter.tryWrite('s/a', MiB / 2, t0)).toBe(true);
    expect(limiter.tryWrite('s/a', MiB / 2, t0)).toBe(true);
    expect(limiter.tryWrite('s/a', 1, t0)).toBe(false);
    expect(limiter.tryWrite('s/a', MiB / 2, t0 + 499)).toBe(false);
    expect(limiter.tryWrite('s/a', MiB / 2, t0 + 500)).toBe(true);
  });

  it('lets a record larger than the bucket through when it is full, then repays the debt', () => {
    const limiter = new ThroughputLimiter();
    expect(limiter.tryWrite('s/a', 3 * MiB, t0)).toBe(true);
    // 2 MiB of debt take two seconds to repay before the bucket holds anything again.
    expect(limiter.tryWrite('s/a', 1, t0 + 2000)).toBe(false);
    expect(limiter.tryWrite('s/a', 1000, t0 + 2001)).toBe(true);
  });

  it('admits 5 GetRecords calls per second per shard', () => {
    const limiter = new ThroughputLimiter();
    for (let i = 0; i < 5; i++) expect(limiter.tryRead('s/a', t0)).toBe(true);
    expect(limiter.tryRead('s/a', t0)).toBe(false);
    expect(limiter.tryRead('s/a', t0 + 200)).toBe(true);
  });

  it('admits 5 GetShardIterator calls per second per shard, apart from GetRecords calls', () => {
    const limiter = new ThroughputLimiter();
    for (let i = 0; i < 5; i++) expect(limiter.tryGetIterator('s/a', t0)).toBe(true);
    expect(limiter.tryGetIterator('s/a', t0)).toBe(false);
    expect(limiter.tryGetIterator('s/b', t0)).toBe(true);
    expect(limiter.tryRead('s/a', t0)).toBe(true);
    expect(limiter.tryGetIterator('s/a', t0 + 200)).toBe(true);
  });

  it('throttles reads after a 10 MiB response until 2 MiB per second has repaid it', () => {
    const limiter = new ThroughputLimiter();
    expect(limiter.tryRead('s/a', t0)).toBe(true);
    limiter.readDone('s/a', 10 * MiB, t0);
    expect(limiter.tryRead('s/a', t0 + 3999)).toBe(false);
    expect(limiter.tryRead('s/a', t0 + 4001)).toBe(true);
  });
});
