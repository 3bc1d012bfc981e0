/**
 * Per-shard token buckets with AWS's provisioned limits: writes 1 MiB/s and 1,000 records/s
 * (partition keys count toward the bytes), reads 5 GetRecords calls/s and 2 MiB/s, and 5
 * GetShardIterator calls/s.
 *
 * A byte bucket may go into debt: a request larger than the bucket (a large record, or a 10 MiB
 * GetRecords response) is admitted when the bucket is full and repaid by the refill, which is how
 * AWS lets large records burst and throttles reads for about five seconds after a 10 MiB response.
 * State is per process; a cluster with several gateways enforces the limits per gateway.
 */
const MiB = 1024 * 1024;
/** After this long untouched every bucket has refilled, so forgetting it changes nothing. */
const IDLE_MS = 60_000;
const SWEEP_EVERY = 1024;

interface Rate {
  perSecond: number;
}

const WRITE_BYTES: Rate = { perSecond: MiB };
const WRITE_RECORDS: Rate = { perSecond: 1000 };
const READ_CALLS: Rate = { perSecond: 5 };
const READ_BYTES: Rate = { perSecond: 2 * MiB };
const ITERATOR_CALLS: Rate = { perSecond: 5 };

class Bucket {
  private tokens: number;

  constructor(
    private readonly rate: Rate,
    private lastMs: number,
  ) {
    this.tokens = rate.perSecond;
  }

  refill(nowMs: number): void {
    if (nowMs > this.lastMs) {
      this.tokens = Math.min(this.rate.perSecond, this.tokens + ((nowMs - this.lastMs) * this.rate.perSecond) / 1000);
      this.lastMs = nowMs;
    }
  }

  /** Whether `cost` may be taken now; a cost above the capacity needs a full bucket. */
  allows(cost: number): boolean {
    return this.tokens >= Math.min(cost, this.rate.perSecond);
  }

  take(cost: number): void {
    this.tokens -= cost;
  }

  idleSince(nowMs: number): number {
    return nowMs - this.lastMs;
  }
}

interface ShardBuckets {
  writeBytes: Bucket;
  writeRecords: Bucket;
  readCalls: Bucket;
  readBytes: Bucket;
  iteratorCalls: Bucket;
}

export class ThroughputLimiter {
  private readonly shards = new Map<string, ShardBuckets>();
  private operations = 0;

  /** Admits one record of `bytes` (data plus partition key) to the shard, or returns false. */
  tryWrite(shardKey: string, bytes: number, nowMs: number): boolean {
    const { writeBytes, writeRecords } = this.buckets(shardKey, nowMs);
    if (!writeRecords.allows(1) || !writeBytes.allows(bytes)) return false;
    writeRecords.take(1);
    writeBytes.take(bytes);
    return true;
  }

  /** Admits one GetRecords call, or returns false; report what it returned with `readDone`. */
  tryRead(shardKey: string, nowMs: number): boolean {
    const { readCalls, readBytes } = this.buckets(shardKey, nowMs);
    if (!readCalls.allows(1) || !readBytes.allows(1)) return false;
    readCalls.take(1);
    return true;
  }

  /** Admits one GetShardIterator call on the shard, or returns false. */
  tryGetIterator(shardKey: string, nowMs: number): boolean {
    const { iteratorCalls } = this.buckets(shardKey, nowMs);
    if (!iteratorCalls.allows(1)) return false;
    iteratorCalls.take(1);
    return true;
  }

  readDone(shardKey: string, bytes: number, nowMs: number): void {
    this.buckets(shardKey, nowMs).readBytes.take(bytes);
  }

  private buckets(shardKey: string, nowMs: number): ShardBuckets {
    if (++this.operations % SWEEP_EVERY === 0) this.sweep(nowMs);
    let buckets = this.shards.get(shardKey);
    if (!buckets) {
      buckets = {
        writeBytes: new Bucket(WRITE_BYTES, nowMs),
        writeRecords: new Bucket(WRITE_RECORDS, nowMs),
        readCalls: new Bucket(READ_CALLS, nowMs),
        readBytes: new Bucket(READ_BYTES, nowMs),
        iteratorCalls: new Bucket(ITERATOR_CALLS, nowMs),
      };
      this.shards.set(shardKey, buckets);
    }
    for (const bucket of Object.values(buckets)) bucket.refill(nowMs);
    return buckets;
  }

  private sweep(nowMs: number): void {
    for (const [key, buckets] of this.shards) {
      if (Object.values(buckets).every((bucket) => bucket.idleSince(nowMs) > IDLE_MS)) this.shards.delete(key);
    }
  }
}
