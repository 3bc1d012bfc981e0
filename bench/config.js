'use strict';
// The fixed workload. Every size is a constant here; BENCH_SCALE multiplies the counts (not the
// record size, batch size, concurrency or rates) so a quick run keeps the same shape.
const path = require('node:path');

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
if (!(SCALE > 0)) throw new Error(`BENCH_SCALE must be a positive number, got ${process.env.BENCH_SCALE}`);
const scaled = (n, min) => Math.max(min, Math.round(n * SCALE));

const list = (name, fallback) => (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);

const config = {
  scale: SCALE,
  servers: list('BENCH_SERVERS', 'spate,kinesalite,kinesis-mock,spate-cluster-rf1,spate-cluster-rf3'),
  // Client variants per phase, run one after another; a variant a server cannot speak is skipped.
  putRecordClients: list('BENCH_PUTRECORD_CLIENTS', 'lean-h1,lean-h2,sdk-h1,sdk-h2'),
  putRecordsClients: list('BENCH_PUTRECORDS_CLIENTS', 'lean-h1,lean-h2'),
  /** For the read-back (3) and put-to-receive (4) phases. */
  readClients: list('BENCH_READ_CLIENTS', 'lean-h1,lean-h2'),
  /** The like-for-like variant every server speaks; the ratios between servers use it. */
  baselineClient: 'lean-h1',
  /**
   * The producer of the subscription phases (5, 6), whose consumers speak HTTP/2 anyway. Its own
   * share of each put's latency is the smallest of the lean clients': with lean-h1 producing, the
   * four-shard phase measured p50 2.1–2.4 and p99 4.5–5.6 ms on a warm server, with lean-h2 p50
   * 1.65–1.83 and p99 2.5–3.3 ms.
   */
  subscribeClient: 'lean-h2',

  shards: 4,
  recordBytes: 1024,

  // Unreported, per client variant. The phases measure servers at steady state: a JIT-compiled
  // server's CPU per record settles only after a few hundred calls (Spate's PutRecords cost about
  // 20 µs per record over the first 100 calls after start and about 11 from the third hundred on).
  // Each warm-up step stops after stepMs, so a slow server's warm-up stays short.
  // Then, per read client variant, latencyCount records through the put-to-receive workload
  // (polling consumers), and on a server that serves SubscribeToShard subscribeRounds rounds of the
  // four-shard subscription phase. Each path takes tens of seconds of its own traffic to settle:
  // on a fresh server, three rounds of the subscription phase measured p99 8.4, 6.6, 3.2 ms and
  // three of the lean-h1 polling phase 25.7, 9.5, 9.9 ms, and after 30 s of polling the
  // subscription phase still measured 7.1, 5.8, 3.3 ms (server CPU per record 1455, 1310, 1105).
  warmup: {
    putRecordCount: scaled(1000, 100),
    putRecordsCalls: scaled(50, 1),
    latencyCount: scaled(1000, 100),
    subscribeCount: scaled(2000, 100),
    subscribeRounds: 2,
    stepMs: 15_000,
  },

  roundTrip: { count: scaled(1_000, 100), intervalMs: 5 },

  putRecord: { count: scaled(10_000, 200), concurrency: 32 },

  putRecords: { calls: scaled(100, 2), batch: 500, inFlight: 4 },

  getRecords: { limit: 10_000 },

  latency: { count: scaled(2_000, 100), ratePerSecond: 200, pollSleepMs: 1, drainMs: 10_000 },

  /** Phases 5 and 6 (SubscribeToShard): the latency workload, with pushed events instead of polls. */
  fanout: [
    { phase: 'SubscribeToShard', shards: 4, consumers: 1 },
    { phase: 'FanOut1', shards: 1, consumers: 1 },
    { phase: 'FanOut5', shards: 1, consumers: 5 },
  ],

  /** Each request is abandoned after this long; each phase after phaseTimeoutMs; the whole run after runTimeoutMs. */
  requestTimeoutMs: 30_000,
  phaseTimeoutMs: Number(process.env.BENCH_PHASE_TIMEOUT_S ?? 120) * 1000,
  runTimeoutMs: Number(process.env.BENCH_TIMEOUT_S ?? 3600) * 1000,

  buildSpate: process.env.BENCH_SKIP_BUILD !== '1',
  root: path.join(__dirname, '..'),
  workDir: path.join(__dirname, '.work'),
  resultsMd: process.env.BENCH_RESULTS_MD ?? path.join(__dirname, 'RESULTS.md'),
  resultsJson: process.env.BENCH_RESULTS_JSON ?? path.join(__dirname, 'results.json'),
};

module.exports = { config };
