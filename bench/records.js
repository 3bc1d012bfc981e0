'use strict';
// Deterministic record contents, and the ledger of acknowledged records that the read-back
// checks: every acknowledged record read exactly once, with its content, in sequence order per shard.

const PATTERN = Buffer.alloc(64 * 1024);
for (let i = 0; i < PATTERN.length; i++) PATTERN[i] = (i * 131 + (i >> 8) * 17 + 7) & 0xff;

/** Record i: its index as uint32 big-endian, then a stretch of a fixed pattern that starts at an i-dependent offset. */
function payload(index, bytes) {
  const buf = Buffer.allocUnsafe(bytes);
  buf.writeUInt32BE(index >>> 0, 0);
  const start = (index * 257) % (PATTERN.length - bytes);
  PATTERN.copy(buf, 4, start, start + bytes - 4);
  return buf;
}

const partitionKey = (index) => `pk-${index}`;

/** Decimal sequence numbers compare as numbers: shorter is smaller, then lexicographic. */
function compareSequence(a, b) {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

class Ledger {
  constructor(recordBytes) {
    this.recordBytes = recordBytes;
    /** shardId → Map(sequenceNumber → record index) */
    this.acked = new Map();
    this.ackedCount = 0;
    /** Within one PutRecords call, records that landed on the same shard must get increasing sequence numbers. */
    this.batchOrderViolations = 0;
    this.problems = [];
  }

  ack(index, shardId, sequenceNumber) {
    let shard = this.acked.get(shardId);
    if (!shard) this.acked.set(shardId, (shard = new Map()));
    if (shard.has(sequenceNumber)) this.problem(`sequence number ${sequenceNumber} acknowledged twice on ${shardId}`);
    shard.set(sequenceNumber, index);
    this.ackedCount++;
  }

  /** Checks the per-shard order of the acknowledgements of one PutRecords call (input order). */
  checkBatchOrder(acks) {
    const last = new Map();
    for (const a of acks) {
      if (!a.sequenceNumber) continue;
      const prev = last.get(a.shardId);
      if (prev !== undefined && compareSequence(prev, a.sequenceNumber) >= 0) this.batchOrderViolations++;
      last.set(a.shardId, a.sequenceNumber);
    }
  }

  expectedOn(shardId) {
    return this.acked.get(shardId)?.size ?? 0;
  }

  problem(text) {
    if (this.problems.length < 100) this.problems.push(text);
  }

  /** A checker for one shard's read-back, fed records in the order GetRecords returned them. */
  reader(shardId) {
    const ledger = this;
    const expected = this.acked.get(shardId) ?? new Map();
    const seen = new Set();
    let last;
    const r = { shardId, expected: expected.size, read: 0, matched: 0, duplicates: 0, unexpected: 0, outOfOrder: 0, contentMismatches: 0 };
    r.check = (record) => {
      r.read++;
      const seq = record.sequenceNumber;
      if (last !== undefined && compareSequence(last, seq) >= 0) {
        r.outOfOrder++;
        ledger.problem(`${shardId}: ${seq} read after ${last}`);
      }
      last = seq;
      if (seen.has(seq)) {
        r.duplicates++;
        ledger.problem(`${shardId}: ${seq} read twice`);
        return;
      }
      seen.add(seq);
      const index = expected.get(seq);
      if (index === undefined) {
        r.unexpected++;
        ledger.problem(`${shardId}: ${seq} was never acknowledged on this shard`);
        return;
      }
      if (record.partitionKey !== partitionKey(index) || !record.data.equals(payload(index, ledger.recordBytes))) {
        r.contentMismatches++;
        ledger.problem(`${shardId}: ${seq} does not hold record ${index} as sent`);
        return;
      }
      r.matched++;
    };
    r.finish = () => {
      delete r.check;
      delete r.finish;
      r.missing = expected.size - r.matched - r.contentMismatches;
      if (r.missing > 0) ledger.problem(`${shardId}: ${r.missing} acknowledged records never read`);
      return r;
    };
    return r;
  }
}

module.exports = { payload, partitionKey, compareSequence, Ledger };
