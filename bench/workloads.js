'use strict';
// The four measured phases. Each returns a plain result object; none throws for a failed call
// (failures are counted and reported), only for a broken set-up.
const { performance, PerformanceObserver } = require('node:perf_hooks');
const { clientCpuMs, machineCpuMs } = require('./cpu');
const { payload, partitionKey } = require('./records');
const { summarize, round } = require('./stats');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs fn and adds wall time, server CPU and client CPU around it to its result, and the longest
 * garbage-collection pause of this (the client's) process meanwhile: a latency tail that matches
 * it is the harness's, not the server's.
 */
async function measured(server, fn) {
  let clientGcMaxMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) clientGcMaxMs = Math.max(clientGcMaxMs, entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const machineBefore = machineCpuMs();
  const serverBefore = server.cpuMs();
  const clientBefore = clientCpuMs();
  const t0 = performance.now();
  const result = await fn().finally(() => gc.disconnect());
  const wallMs = performance.now() - t0;
  const machineAfter = machineCpuMs();
  const serverAfter = server.cpuMs();
  // undefined when the server process is gone; NaN would leak into the report.
  const serverCpuMs = serverAfter === undefined || serverBefore === undefined ? undefined : serverAfter - serverBefore;
  const clientCpu = clientCpuMs() - clientBefore;
  const records = result.records ?? 0;
  return {
    ...result,
    wallMs: round(wallMs, 1),
    recordsPerSec: records ? round((records * 1000) / wallMs, 0) : 0,
    serverCpuMs: round(serverCpuMs, 0),
    clientCpuMs: round(clientCpu, 0),
    serverCpuMsPer1k: records && serverCpuMs !== undefined ? round((serverCpuMs * 1000) / records, 2) : undefined,
    clientCpuMsPer1k: records ? round((clientCpu * 1000) / records, 2) : undefined,
    /** Fraction of one core each side used during the phase. */
    serverCores: serverCpuMs === undefined ? undefined : round(serverCpuMs / wallMs, 2),
    clientCores: round(clientCpu / wallMs, 2),
    clientGcMaxMs: round(clientGcMaxMs, 1),
    /** Cores' worth of CPU that other processes on the machine took during the phase. */
    otherCores:
      machineBefore && machineAfter && serverCpuMs !== undefined
        ? round(Math.max(0, (machineAfter.busyMs - machineBefore.busyMs - serverCpuMs - clientCpu) / wallMs), 2)
        : undefined,
  };
}

function countError(errors, err) {
  const key = err.type ?? err.code ?? err.name ?? 'Error';
  errors[key] = (errors[key] ?? 0) + 1;
  if (!errors.firstMessage) errors.firstMessage = String(err.message).slice(0, 300);
}

const latencySummary = (values) => {
  const s = summarize(values);
  return { p50: round(s.p50, 2), p90: round(s.p90, 2), p99: round(s.p99, 2), max: round(s.max, 2), mean: round(s.mean, 2) };
};

/** Creates a stream with `shards` shards and waits until it is ACTIVE; returns its shard ids. */
async function createStream(client, streamName, shards, timeoutMs = 60_000) {
  await client.createStream(streamName, shards);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await client.describeStream(streamName);
    if (d.status === 'ACTIVE') return d.shardIds;
    if (Date.now() > deadline) throw new Error(`stream ${streamName} not ACTIVE after ${timeoutMs} ms (status ${d.status})`);
    await sleep(20);
  }
}

/**
 * Phase 0: the machine's floor. One cheap call (ListStreams) every `intervalMs`, so both processes
 * sleep in between as they do at a steady low rate: what any request costs here in wake-ups and
 * scheduling, whatever the server does.
 */
async function roundTripPhase({ server, client, count, intervalMs }) {
  return measured(server, async () => {
    const latencies = [];
    const errors = {};
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const wait = t0 + i * intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      const started = performance.now();
      try {
        await client.call('ListStreams', {});
        latencies.push(performance.now() - started);
      } catch (err) {
        countError(errors, err);
      }
    }
    return { records: latencies.length, errors, latencyMs: latencySummary(latencies) };
  });
}

/** Phase 1: `count` single PutRecord calls, `concurrency` in flight. */
async function putRecordPhase({ server, client, streamName, count, concurrency, recordBytes, firstIndex, deadline }) {
  return measured(server, async () => {
    const latencies = [];
    const errors = {};
    let next = 0;
    let timedOut = false;
    const worker = async () => {
      while (next < count) {
        if (Date.now() > deadline) {
          timedOut = true;
          return;
        }
        const i = firstIndex + next++;
        const data = payload(i, recordBytes);
        const t0 = performance.now();
        try {
          await client.putRecord(streamName, partitionKey(i), data);
          latencies.push(performance.now() - t0);
        } catch (err) {
          countError(errors, err);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { records: latencies.length, attempted: next, failed: next - latencies.length, errors, timedOut, latencyMs: latencySummary(latencies) };
  });
}

/** Phase 2: `calls` PutRecords calls of `batch` records, `inFlight` at a time; acknowledged records go in the ledger. */
async function putRecordsPhase({ server, client, streamName, calls, batch, inFlight, recordBytes, firstIndex, ledger, deadline }) {
  return measured(server, async () => {
    const latencies = [];
    const errors = {};
    const entryErrors = {};
    let next = 0;
    let acked = 0;
    let failedEntries = 0;
    let failedCalls = 0;
    let timedOut = false;
    const worker = async () => {
      while (next < calls) {
        if (Date.now() > deadline) {
          timedOut = true;
          return;
        }
        const base = firstIndex + next++ * batch;
        const entries = Array.from({ length: batch }, (_, k) => ({ partitionKey: partitionKey(base + k), data: payload(base + k, recordBytes) }));
        const t0 = performance.now();
        let results;
        try {
          results = await client.putRecords(streamName, entries);
        } catch (err) {
          failedCalls++;
          countError(errors, err);
          continue;
        }
        latencies.push(performance.now() - t0);
        results.forEach((r, k) => {
          if (r.errorCode) {
            failedEntries++;
            entryErrors[r.errorCode] = (entryErrors[r.errorCode] ?? 0) + 1;
          } else {
            ledger.ack(base + k, r.shardId, r.sequenceNumber);
            acked++;
          }
        });
        ledger.checkBatchOrder(results);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    return {
      records: acked,
      calls: next,
      failedCalls,
      failedEntries,
      errors,
      entryErrors,
      timedOut,
      callLatencyMs: latencySummary(latencies),
    };
  });
}

/** Phase 3: reads every shard from TRIM_HORIZON and checks each record against the ledger. */
async function readBackPhase({ server, client, streamName, shardIds, limit, ledger, deadline }) {
  const firstProblem = ledger.problems.length;
  return measured(server, async () => {
    const errors = {};
    let calls = 0;
    let timedOut = false;
    const readShard = async (shardId) => {
      const reader = ledger.reader(shardId);
      let iterator = await client.getShardIterator(streamName, shardId, 'TRIM_HORIZON');
      let empties = 0;
      let failures = 0;
      while (iterator) {
        if (Date.now() > deadline) {
          timedOut = true;
          break;
        }
        let out;
        try {
          calls++;
          out = await client.getRecords(iterator, limit);
        } catch (err) {
          countError(errors, err);
          if (++failures > 5) break;
          await sleep(50);
          continue;
        }
        for (const record of out.records) reader.check(record);
        iterator = out.nextIterator;
        if (out.records.length) {
          empties = 0;
          continue;
        }
        // Done once everything acknowledged was seen and the next call is empty; a server may
        // also answer empty while behind, so allow a few empty polls before giving up.
        if (reader.read >= reader.expected || ++empties >= 20) break;
        await sleep(10);
      }
      return reader.finish();
    };
    const shards = await Promise.all(shardIds.map(readShard));
    const total = (k) => shards.reduce((s, r) => s + r[k], 0);
    const check = {
      acknowledged: ledger.ackedCount,
      expected: total('expected'),
      read: total('read'),
      matched: total('matched'),
      missing: total('missing'),
      duplicates: total('duplicates'),
      unexpected: total('unexpected'),
      outOfOrder: total('outOfOrder'),
      contentMismatches: total('contentMismatches'),
      batchOrderViolations: ledger.batchOrderViolations,
    };
    check.ok =
      check.expected === check.acknowledged &&
      check.matched === check.expected &&
      check.read === check.expected &&
      check.outOfOrder === 0 &&
      check.batchOrderViolations === 0 &&
      !timedOut &&
      Object.keys(errors).length === 0;
    const wrong = check.duplicates + check.unexpected + check.outOfOrder + check.contentMismatches + check.batchOrderViolations;
    // A read-back cut short by the phase deadline is incomplete, not wrong, unless what it read was wrong.
    check.status = check.ok ? 'OK' : timedOut && wrong === 0 ? 'INCOMPLETE (timed out)' : 'FAILED';
    return { records: check.read, getRecordsCalls: calls, errors, timedOut, check, problems: ledger.problems.slice(firstProblem), shards };
  });
}

/**
 * Phase 4: one polling consumer per shard (GetRecords; on an empty answer sleep pollSleepMs, on
 * records poll again at once) and a producer sending `count` single records at `ratePerSecond`.
 * Latency = time the GetRecords answer holding the record arrived − time its PutRecord was sent.
 */
async function latencyPhase({ server, client, streamName, shardIds, count, ratePerSecond, pollSleepMs, drainMs, recordBytes, limit, deadline }) {
  return measured(server, async () => {
    const sentAt = new Float64Array(count).fill(NaN);
    const receivedAt = new Float64Array(count).fill(NaN);
    const putLatencies = [];
    const errors = {};
    let acked = 0;
    let received = 0;
    let unknown = 0;
    let duplicates = 0;
    let polls = 0;
    let emptyPolls = 0;
    let producing = true;
    let stopAt = deadline;

    const consume = async (shardId) => {
      let iterator = await client.getShardIterator(streamName, shardId, 'TRIM_HORIZON');
      while (iterator && Date.now() < stopAt && (producing || received < acked)) {
        let out;
        try {
          polls++;
          out = await client.getRecords(iterator, limit);
        } catch (err) {
          countError(errors, err);
          await sleep(pollSleepMs);
          continue;
        }
        const now = performance.now();
        iterator = out.nextIterator;
        if (!out.records.length) {
          emptyPolls++;
          await sleep(pollSleepMs);
          continue;
        }
        for (const r of out.records) {
          const i = r.data.length >= 4 ? r.data.readUInt32BE(0) : -1;
          if (!(i >= 0 && i < count) || Number.isNaN(sentAt[i])) unknown++;
          else if (!Number.isNaN(receivedAt[i])) duplicates++;
          else {
            receivedAt[i] = now;
            received++;
          }
        }
      }
    };

    const produce = async () => {
      const inFlight = new Set();
      const t0 = performance.now();
      for (let i = 0; i < count && Date.now() < deadline; i++) {
        const wait = t0 + (i * 1000) / ratePerSecond - performance.now();
        if (wait > 0) await sleep(wait);
        const data = payload(i, recordBytes);
        sentAt[i] = performance.now();
        const p = client.putRecord(streamName, partitionKey(i), data).then(
          () => {
            acked++;
            putLatencies.push(performance.now() - sentAt[i]);
          },
          (err) => countError(errors, err),
        );
        inFlight.add(p);
        p.finally(() => inFlight.delete(p));
      }
      await Promise.all(inFlight);
      producing = false;
      stopAt = Math.min(deadline, Date.now() + drainMs);
    };

    await Promise.all([produce(), ...shardIds.map(consume)]);

    const latencies = [];
    for (let i = 0; i < count; i++) if (!Number.isNaN(receivedAt[i])) latencies.push(receivedAt[i] - sentAt[i]);
    return {
      records: acked,
      sent: count,
      received,
      missing: acked - received,
      unknown,
      duplicates,
      polls,
      emptyPolls,
      errors,
      ratePerSecond,
      pollSleepMs,
      putToReceiveMs: latencySummary(latencies),
      putLatencyMs: latencySummary(putLatencies),
    };
  });
}

/** Registers `count` consumers on a stream and waits until each is ACTIVE; returns their ARNs. */
async function activeConsumers(admin, streamName, count) {
  const summary = await admin.call('DescribeStreamSummary', { StreamName: streamName });
  const streamArn = summary.StreamDescriptionSummary.StreamARN;
  const arns = [];
  for (let i = 0; i < count; i++) {
    const out = await admin.call('RegisterStreamConsumer', { StreamARN: streamArn, ConsumerName: `bench-${i}` });
    arns.push(out.Consumer.ConsumerARN);
  }
  for (const arn of arns) {
    for (;;) {
      const d = await admin.call('DescribeStreamConsumer', { ConsumerARN: arn });
      if (d.ConsumerDescription.ConsumerStatus === 'ACTIVE') break;
      await sleep(20);
    }
  }
  return arns;
}

/**
 * Phases 5 and 6: enhanced fan-out. `consumers` registered consumers each subscribe (lean HTTP/2
 * event-stream reader, one session) to every shard from the start of a fresh stream; a producer
 * sends `count` single records at `ratePerSecond` without waiting for answers. Latency = arrival of
 * the event holding the record at a consumer − the moment its PutRecord was sent, for every
 * consumer and record.
 */
async function subscribePhase({ server, client, admin, endpoint, streamName, shardIds, consumers, count, ratePerSecond, drainMs, recordBytes, deadline }) {
  const http2 = require('node:http2');
  const { subscribe } = require('./subscriber');
  const arns = await activeConsumers(admin, streamName, consumers);
  const session = http2.connect(endpoint, { settings: { initialWindowSize: 8 * 1024 * 1024 } });
  session.on('error', () => {});
  const sentAt = new Float64Array(count).fill(NaN);
  const receivedAt = arns.map(() => new Float64Array(count).fill(NaN));
  let received = 0;
  let duplicates = 0;
  let unknown = 0;
  let acked = 0;
  const errors = {};
  const subscriptions = [];
  for (let c = 0; c < arns.length; c++) {
    for (const shardId of shardIds) {
      subscriptions.push(
        await subscribe(session, arns[c], shardId, { Type: 'TRIM_HORIZON' }, (event, arrivedAt) => {
          for (const r of event.Records) {
            const data = Buffer.from(r.Data, 'base64');
            const i = data.length >= 4 ? data.readUInt32BE(0) : -1;
            if (!(i >= 0 && i < count) || Number.isNaN(sentAt[i])) unknown++;
            else if (!Number.isNaN(receivedAt[c][i])) duplicates++;
            else {
              receivedAt[c][i] = arrivedAt;
              received++;
            }
          }
        }),
      );
    }
  }
  try {
    return await measured(server, async () => {
      const inFlight = new Set();
      const t0 = performance.now();
      for (let i = 0; i < count && Date.now() < deadline; i++) {
        const wait = t0 + (i * 1000) / ratePerSecond - performance.now();
        if (wait > 0) await sleep(wait);
        sentAt[i] = performance.now();
        const p = client.putRecord(streamName, partitionKey(i), payload(i, recordBytes)).then(
          () => acked++,
          (err) => countError(errors, err),
        );
        inFlight.add(p);
        p.finally(() => inFlight.delete(p));
      }
      await Promise.all(inFlight);
      const stopAt = Math.min(deadline, Date.now() + drainMs);
      while (received < acked * arns.length && Date.now() < stopAt) await sleep(5);
      const latencies = [];
      for (const times of receivedAt) for (let i = 0; i < count; i++) if (!Number.isNaN(times[i])) latencies.push(times[i] - sentAt[i]);
      return {
        records: acked,
        sent: count,
        consumers: arns.length,
        deliveries: received,
        missing: acked * arns.length - received,
        duplicates,
        unknown,
        errors,
        ratePerSecond,
        putToReceiveMs: latencySummary(latencies),
      };
    });
  } finally {
    for (const s of subscriptions) s.close();
    session.close();
  }
}

module.exports = { createStream, roundTripPhase, putRecordPhase, putRecordsPhase, readBackPhase, latencyPhase, subscribePhase };
