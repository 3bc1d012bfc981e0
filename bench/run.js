#!/usr/bin/env node
'use strict';
// `npm run bench`: runs the fixed workload against each server in turn (one server process at a
// time, each fresh), prints a table, and writes bench/RESULTS.md and bench/results.json.
// Bounded: every phase has a deadline, the whole run a watchdog; servers are killed on any exit.
const fs = require('node:fs');
const { config } = require('./config');
const { SERVERS } = require('./servers');
const { createClient, supportedVariants } = require('./clients');
const { Ledger } = require('./records');
const { createStream, roundTripPhase, putRecordPhase, putRecordsPhase, readBackPhase, latencyPhase, subscribePhase } = require('./workloads');
const { environment, printTable, writeResults } = require('./report');

const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

function summaryLine(p) {
  const parts = [`${p.phase} ${p.client}: ${p.records} records, ${p.recordsPerSec}/s`];
  if (p.latencyMs) parts.push(`p99 ${p.latencyMs.p99} ms`);
  if (p.putToReceiveMs) parts.push(`put-to-receive p50 ${p.putToReceiveMs.p50} p99 ${p.putToReceiveMs.p99} ms`);
  parts.push(`server ${p.serverCpuMsPer1k} CPU ms/1k, client ${p.clientCpuMsPer1k} CPU ms/1k`);
  if (p.check) parts.push(p.check.ok ? 'check OK' : `check ${p.check.status} ${JSON.stringify(p.check)}`);
  const errs = Object.keys(p.errors ?? {}).filter((k) => k !== 'firstMessage');
  if (errs.length) parts.push(`errors ${JSON.stringify(p.errors)}`);
  if (p.timedOut) parts.push('TIMED OUT');
  return parts.join(', ');
}

async function runServer(server, entry) {
  const admin = createClient('lean-h1', server.endpoint, { timeoutMs: config.requestTimeoutMs });
  const deadline = () => Date.now() + config.phaseTimeoutMs;
  const common = { server, recordBytes: config.recordBytes };
  let nextIndex = 0;
  const take = (n) => {
    const first = nextIndex;
    nextIndex += n;
    return first;
  };
  const record = (phase, client, result) => {
    const p = { phase, client, ...result };
    entry.phases.push(p);
    log(`${entry.name}: ${summaryLine(p)}`);
    if (!server.alive()) throw new Error(`server exited during ${phase} ${client}: ${JSON.stringify(server.exitInfo())}; log ${server.logFile}`);
  };
  const withClient = async (variant, fn) => {
    const client = createClient(variant, server.endpoint, { timeoutMs: config.requestTimeoutMs });
    try {
      return await fn(client);
    } finally {
      client.close();
    }
  };
  const putRecordVariants = supportedVariants(config.putRecordClients, server);
  const putRecordsVariants = supportedVariants(config.putRecordsClients, server);
  const readVariants = supportedVariants(config.readClients, server);

  try {
    // Warm-up (not reported): lets both sides' JITs and heaps settle and opens connections.
    const warmDeadline = () => Math.min(deadline(), Date.now() + config.warmup.stepMs);
    const warmShards = await createStream(admin, 'bench-warmup', config.shards);
    const warmLedger = new Ledger(config.recordBytes);
    for (const v of new Set([...putRecordVariants, ...putRecordsVariants, ...readVariants])) {
      await withClient(v, async (client) => {
        const count = Math.ceil(config.warmup.putRecordCount / 4);
        await putRecordPhase({ ...common, client, streamName: 'bench-warmup', count, concurrency: config.putRecord.concurrency, firstIndex: take(count), deadline: warmDeadline() });
        const calls = config.warmup.putRecordsCalls;
        await putRecordsPhase({ ...common, client, streamName: 'bench-warmup', calls, batch: config.putRecords.batch, inFlight: config.putRecords.inFlight, firstIndex: take(calls * config.putRecords.batch), ledger: warmLedger, deadline: warmDeadline() });
      });
    }
    await withClient('lean-h1', (client) =>
      readBackPhase({ ...common, client, streamName: 'bench-warmup', shardIds: warmShards, limit: config.getRecords.limit, ledger: warmLedger, deadline: warmDeadline() }),
    );
    for (const v of readVariants) {
      const streamName = `bench-warmup-latency-${v}`;
      const latencyShards = await createStream(admin, streamName, config.shards);
      await withClient(v, (client) =>
        latencyPhase({ ...common, client, streamName, shardIds: latencyShards, ...config.latency, count: config.warmup.latencyCount, limit: config.getRecords.limit, deadline: warmDeadline() }),
      );
    }
    if (entry.subscribe) {
      const [shape] = config.fanout;
      for (let round = 0; round < config.warmup.subscribeRounds; round++) {
        const streamName = `bench-warmup-subscribe-${round}`;
        const subscribeShards = await createStream(admin, streamName, shape.shards);
        await withClient(config.subscribeClient, (client) =>
          subscribePhase({ ...common, client, admin, endpoint: server.endpoint, streamName, shardIds: subscribeShards, ...shape, ...config.latency, count: config.warmup.subscribeCount, deadline: warmDeadline() }),
        );
      }
    }
    log(`${entry.name}: warm-up done`);

    // 0. The round-trip floor of this machine, with the baseline client.
    record('RoundTrip', config.baselineClient, await withClient(config.baselineClient, (client) => roundTripPhase({ ...common, client, ...config.roundTrip })));

    // 1. PutRecord, concurrency 32.
    await createStream(admin, 'bench-putrecord', config.shards);
    for (const v of putRecordVariants) {
      const { count, concurrency } = config.putRecord;
      const r = await withClient(v, (client) =>
        putRecordPhase({ ...common, client, streamName: 'bench-putrecord', count, concurrency, firstIndex: take(count), deadline: deadline() }),
      );
      record('PutRecord', v, r);
    }

    // 2. PutRecords, batch × calls, a few in flight; every acknowledged record goes in the ledger.
    const shardIds = await createStream(admin, 'bench-putrecords', config.shards);
    const ledger = new Ledger(config.recordBytes);
    for (const v of putRecordsVariants) {
      const { calls, batch, inFlight } = config.putRecords;
      const r = await withClient(v, (client) =>
        putRecordsPhase({ ...common, client, streamName: 'bench-putrecords', calls, batch, inFlight, firstIndex: take(calls * batch), ledger, deadline: deadline() }),
      );
      record('PutRecords', v, r);
    }

    // 3. GetRecords read-back of everything phase 2 acknowledged, with the full check, once per read client.
    for (const v of readVariants) {
      const r = await withClient(v, (client) =>
        readBackPhase({ ...common, client, streamName: 'bench-putrecords', shardIds, limit: config.getRecords.limit, ledger, deadline: deadline() }),
      );
      record('GetRecords', v, r);
    }

    // 4. Put-to-receive latency, a fresh stream per client so consumers start at TRIM_HORIZON of an empty stream.
    for (const v of readVariants) {
      const streamName = `bench-latency-${v}`;
      const latencyShards = await createStream(admin, streamName, config.shards);
      const r = await withClient(v, (client) =>
        latencyPhase({ ...common, client, streamName, shardIds: latencyShards, ...config.latency, limit: config.getRecords.limit, deadline: deadline() }),
      );
      record('PutToReceive', v, r);
    }

    // 5 and 6. Enhanced fan-out (servers that serve SubscribeToShard): one consumer per shard, then
    // five consumers of one shard, each against its own fresh stream.
    if (entry.subscribe) {
      for (const fanout of config.fanout) {
        const streamName = `bench-${fanout.phase.toLowerCase()}`;
        const fanoutShards = await createStream(admin, streamName, fanout.shards);
        const r = await withClient(config.subscribeClient, (client) =>
          subscribePhase({ ...common, client, admin, endpoint: server.endpoint, streamName, shardIds: fanoutShards, ...fanout, ...config.latency, deadline: deadline() }),
        );
        record(fanout.phase, 'lean-h2 events', r);
      }
    }
  } finally {
    admin.close();
  }
}

async function main() {
  fs.mkdirSync(config.workDir, { recursive: true });
  // Data dirs left behind by a run that was killed.
  for (const dir of fs.readdirSync(config.workDir)) {
    if (dir.startsWith('spate-data-')) fs.rmSync(`${config.workDir}/${dir}`, { recursive: true, force: true });
  }
  const results = { environment: environment(config), config: { ...config, root: undefined, workDir: undefined }, servers: [] };

  const watchdog = setTimeout(() => {
    log(`run exceeded BENCH_TIMEOUT_S (${config.runTimeoutMs / 1000} s); writing what was measured, stopping servers, exiting`);
    for (const s of results.servers) if (!s.error && s === results.servers.at(-1)) s.error = 'stopped by BENCH_TIMEOUT_S while running';
    try {
      writeResults(results, config);
    } finally {
      process.exit(2);
    }
  }, config.runTimeoutMs);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
  log(`BENCH_SCALE=${config.scale}; servers: ${config.servers.join(', ')}`);

  for (const name of config.servers) {
    const def = SERVERS[name];
    const entry = { name, phases: [] };
    results.servers.push(entry);
    if (!def) {
      entry.error = `unknown server ${name}; known: ${Object.keys(SERVERS).join(', ')}`;
      log(entry.error);
      continue;
    }
    Object.assign(entry, { version: def.version(config), command: def.command(config), storage: def.storage, protocols: def.protocols, subscribe: def.subscribe === true });
    let server;
    try {
      log(`${name}: starting`);
      server = await def.start(config);
      server.protocols = def.protocols;
      log(`${name}: pid ${server.pid} at ${server.endpoint}`);
      await runServer(server, entry);
    } catch (err) {
      entry.error = String(err.stack ?? err);
      log(`${name}: FAILED: ${entry.error}`);
    } finally {
      if (server) await server.stop();
    }
  }

  clearTimeout(watchdog);
  printTable(results);
  writeResults(results, config);
  log(`wrote ${config.resultsMd} and ${config.resultsJson}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
