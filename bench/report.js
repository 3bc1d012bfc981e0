'use strict';
// Turns the raw results into the stdout table, bench/results.json and bench/RESULTS.md,
// including the ratios between servers and the verdict on each target.
const fs = require('node:fs');
const os = require('node:os');
const { clkTck } = require('./cpu');
const { VARIANTS } = require('./clients');
const { round } = require('./stats');

function environment(config) {
  let cpuModel = 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    // not Linux
  }
  const benchEnv = Object.keys(process.env)
    .filter((k) => k.startsWith('BENCH_'))
    .sort()
    .map((k) => `${k}=${process.env[k]}`);
  return {
    date: new Date().toISOString(),
    cpuModel,
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    clkTck: clkTck(),
    command: [...benchEnv, 'npm run bench'].join(' '),
    scale: config.scale,
  };
}

// --- selecting figures ------------------------------------------------------------------------

const find = (results, server, phase, client) =>
  results.servers.find((s) => s.name === server)?.phases.find((p) => p.phase === phase && p.client === client);

/**
 * Which side limits a phase: a side using ≥ 85 % of a core is saturated (a Node process does its
 * JS work on one thread). Neither saturated means the in-flight window × call latency limits it.
 * When other processes took a share of the machine, saturation cannot be judged.
 */
function bottleneck(p) {
  if (p.otherCores >= OTHER_LOAD_LIMIT) return `undetermined: other processes took ${p.otherCores} cores`;
  if (p.serverCores >= 0.85 && p.serverCores >= p.clientCores) return 'server';
  if (p.clientCores >= 0.85) return 'client';
  return 'neither saturated (latency-bound)';
}

/** A phase during which other processes took this many cores' worth of CPU is flagged as disturbed. */
const OTHER_LOAD_LIMIT = 0.25;

const ratio = (a, b) => (a === undefined || b === undefined || !b ? undefined : round(a / b, 3));

const PHASES = ['RoundTrip', 'PutRecord', 'PutRecords', 'GetRecords', 'PutToReceive', 'SubscribeToShard', 'FanOut'];

/** Spate ÷ other, for every (phase, client) both servers ran. */
function ratios(results) {
  const out = [];
  const spate = results.servers.find((s) => s.name === 'spate');
  if (!spate) return out;
  // Spate's own cluster deployments are compared with the all-in-one in their own section.
  for (const other of results.servers.filter((s) => s.name !== 'spate' && !s.name.startsWith('spate-'))) {
    for (const p of spate.phases) {
      const q = find(results, other.name, p.phase, p.client);
      if (!q) continue;
      out.push({
        versus: other.name,
        phase: p.phase,
        client: p.client,
        serverCpuPerRecord: ratio(p.serverCpuMsPer1k, q.serverCpuMsPer1k),
        throughput: p.phase === 'PutToReceive' ? undefined : ratio(p.recordsPerSec, q.recordsPerSec),
        p99Latency: ratio((p.latencyMs ?? p.putToReceiveMs)?.p99, (q.latencyMs ?? q.putToReceiveMs)?.p99),
      });
    }
  }
  return out;
}

/** The four targets of the issue, judged on this run. */
function targets(results, config) {
  const base = config.baselineClient;
  const spate = results.servers.find((s) => s.name === 'spate');
  const spatePhases = (phase) => spate?.phases.filter((p) => p.phase === phase) ?? [];
  const cpuTarget = (phase, label) => {
    const s = find(results, 'spate', phase, base);
    const k = find(results, 'kinesalite', phase, base);
    const r = ratio(s?.serverCpuMsPer1k, k?.serverCpuMsPer1k);
    return {
      target: `${label}: Spate server CPU per record ≤ 1/10 of kinesalite's (${base})`,
      measured: r === undefined ? 'not measured' : `${s.serverCpuMsPer1k} vs ${k.serverCpuMsPer1k} CPU ms per 1,000 records: ratio ${r}`,
      met: r === undefined ? undefined : r <= 0.1,
    };
  };
  const latency = spatePhases('PutToReceive');
  const pushed = spatePhases('SubscribeToShard')[0];
  const fanOne = spatePhases('FanOut1')[0];
  const fanFive = spatePhases('FanOut5')[0];
  const fanRatio = ratio(fanFive?.serverCpuMsPer1k, fanOne?.serverCpuMsPer1k);
  const floor = spatePhases('RoundTrip')[0];
  const puts = spatePhases('PutRecords');
  const verdicts = puts.map((p) => ({ client: p.client, bottleneck: bottleneck(p), clientCores: p.clientCores, serverCores: p.serverCores }));
  const fanOutTargets = [
    {
      target: 'Put-to-receive p99 < 5 ms through SubscribeToShard (all-in-one)',
      measured: pushed
        ? `p50 ${pushed.putToReceiveMs.p50} ms, p99 ${pushed.putToReceiveMs.p99} ms (this machine's floor, a paced ListStreams round trip: p50 ${floor?.latencyMs.p50 ?? '–'} ms, p99 ${floor?.latencyMs.p99 ?? '–'} ms)`
        : 'not measured',
      met: pushed ? pushed.putToReceiveMs.p99 !== undefined && pushed.putToReceiveMs.p99 < 5 && pushed.missing === 0 : undefined,
    },
    {
      target: 'Fan-out to 5 consumers of one shard costs < 2× the server CPU of one',
      measured: fanRatio === undefined ? 'not measured' : `${fanFive.serverCpuMsPer1k} vs ${fanOne.serverCpuMsPer1k} CPU ms per 1,000 records: ratio ${fanRatio}`,
      met: fanRatio === undefined ? undefined : fanRatio < 2 && fanFive.missing === 0,
    },
  ];
  return [
    ...fanOutTargets,
    cpuTarget('PutRecords', 'PutRecords'),
    cpuTarget('GetRecords', 'GetRecords'),
    {
      target: 'Put-to-receive p99 < 10 ms (every client variant)',
      measured: latency.length ? latency.map((p) => `${p.client} p99 ${p.putToReceiveMs.p99} ms`).join('; ') : 'not measured',
      met: latency.length ? latency.every((p) => p.putToReceiveMs.p99 !== undefined && p.putToReceiveMs.p99 < 10 && p.missing === 0) : undefined,
    },
    {
      target: 'PutRecords throughput limited by the client, not the server (lean clients)',
      measured: verdicts.length
        ? verdicts.map((v) => `${v.client}: ${v.bottleneck} (client ${v.clientCores} cores, server ${v.serverCores} cores)`).join('; ')
        : 'not measured',
      ...(() => {
        const lean = verdicts.filter((v) => v.client.startsWith('lean-'));
        if (!lean.length) return { met: undefined };
        if (lean.some((v) => v.bottleneck.startsWith('undetermined'))) return { met: undefined, undetermined: true };
        return { met: lean.every((v) => v.bottleneck === 'client') };
      })(),
    },
  ];
}

/** The all-in-one against Spate's cluster deployments: what replication costs, same workload, same run. */
function clusterComparison(results, config) {
  const deployments = results.servers.filter((s) => s.name === 'spate' || s.name.startsWith('spate-cluster'));
  const rows = [];
  for (const phase of ['PutRecords', 'GetRecords', 'PutToReceive']) {
    const base = find(results, 'spate', phase, config.baselineClient);
    for (const d of deployments) {
      const p = find(results, d.name, phase, config.baselineClient);
      if (!p) continue;
      rows.push({
        deployment: d.name,
        phase,
        client: p.client,
        recordsPerSec: phase === 'PutToReceive' ? undefined : p.recordsPerSec,
        serverCpuMsPer1k: p.serverCpuMsPer1k,
        cpuVsAllInOne: ratio(p.serverCpuMsPer1k, base?.serverCpuMsPer1k),
        p99: (p.latencyMs ?? p.putToReceiveMs ?? (phase === 'PutRecords' ? p.callLatencyMs : undefined))?.p99,
        check: p.check ? p.check.status : undefined,
      });
    }
  }
  return rows;
}

// --- formatting --------------------------------------------------------------------------------

const fmt = (v) => (v === undefined || v === null ? '–' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(v));
const verdict = (t) => (t.undetermined ? '**undetermined** (other load on the machine)' : t.met === undefined ? 'not measured' : t.met ? '**met**' : '**not met**');
const errorText = (errors) => {
  const kinds = Object.entries(errors ?? {}).filter(([k]) => k !== 'firstMessage');
  return kinds.length ? kinds.map(([k, n]) => `${k}×${n}`).join(' ') : '';
};

function markdownTable(headers, rows) {
  const esc = (c) => fmt(c).replace(/\|/g, '\\|');
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function rowsFor(results, phase) {
  const rows = [];
  for (const s of results.servers) for (const p of s.phases) if (p.phase === phase || (phase === 'FanOut' && p.phase.startsWith('FanOut'))) rows.push([s, p]);
  return rows;
}

const phaseTables = {
  RoundTrip: (results) =>
    markdownTable(
      ['server', 'client', 'calls', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'server CPU ms/1k calls', 'errors'],
      rowsFor(results, 'RoundTrip').map(([s, p]) => [s.name, p.client, p.records, p.latencyMs.p50, p.latencyMs.p90, p.latencyMs.p99, p.latencyMs.max, p.serverCpuMsPer1k, errorText(p.errors)]),
    ),
  SubscribeToShard: (results) =>
    markdownTable(
      ['server', 'client', 'sent', 'acked', 'deliveries', 'missing', 'p50 ms', 'p99 ms', 'max ms', 'server CPU ms/1k rec', 'other cores', 'client GC max ms', 'errors'],
      rowsFor(results, 'SubscribeToShard').map(([s, p]) => [s.name, p.client, p.sent, p.records, p.deliveries, p.missing, p.putToReceiveMs.p50, p.putToReceiveMs.p99, p.putToReceiveMs.max, p.serverCpuMsPer1k, p.otherCores, p.clientGcMaxMs, errorText(p.errors)]),
    ),
  FanOut: (results) =>
    markdownTable(
      ['server', 'consumers', 'acked', 'deliveries', 'missing', 'p50 ms', 'p99 ms', 'server CPU ms/1k rec', 'CPU vs 1 consumer', 'errors'],
      results.servers.flatMap((s) => {
        const one = s.phases.find((p) => p.phase === 'FanOut1');
        return s.phases
          .filter((p) => p.phase.startsWith('FanOut'))
          .map((p) => [s.name, p.consumers, p.records, p.deliveries, p.missing, p.putToReceiveMs.p50, p.putToReceiveMs.p99, p.serverCpuMsPer1k, ratio(p.serverCpuMsPer1k, one?.serverCpuMsPer1k), errorText(p.errors)]);
      }),
    ),
  PutRecord: (results) =>
    markdownTable(
      ['server', 'client', 'records', 'failed', 'records/s', 'p50 ms', 'p99 ms', 'server CPU ms/1k rec', 'client CPU ms/1k rec', 'server cores', 'client cores', 'other cores', 'errors'],
      rowsFor(results, 'PutRecord').map(([s, p]) => [s.name, p.client, p.records, p.failed, p.recordsPerSec, p.latencyMs.p50, p.latencyMs.p99, p.serverCpuMsPer1k, p.clientCpuMsPer1k, p.serverCores, p.clientCores, p.otherCores, errorText(p.errors) + (p.timedOut ? ' TIMED OUT' : '')]),
    ),
  PutRecords: (results) =>
    markdownTable(
      ['server', 'client', 'records', 'failed entries', 'records/s', 'call p50 ms', 'call p99 ms', 'server CPU ms/1k rec', 'client CPU ms/1k rec', 'server cores', 'client cores', 'other cores', 'limited by', 'errors'],
      rowsFor(results, 'PutRecords').map(([s, p]) => [s.name, p.client, p.records, p.failedEntries, p.recordsPerSec, p.callLatencyMs.p50, p.callLatencyMs.p99, p.serverCpuMsPer1k, p.clientCpuMsPer1k, p.serverCores, p.clientCores, p.otherCores, bottleneck(p), [errorText(p.errors), errorText(p.entryErrors), p.failedCalls ? `${p.failedCalls} failed calls` : '', p.timedOut ? 'TIMED OUT' : ''].filter(Boolean).join(' ')]),
    ),
  GetRecords: (results) =>
    markdownTable(
      ['server', 'client', 'expected', 'read', 'missing', 'duplicates', 'unexpected', 'out of order', 'content wrong', 'check', 'GetRecords calls', 'records/s', 'server CPU ms/1k rec', 'client CPU ms/1k rec', 'other cores', 'errors'],
      rowsFor(results, 'GetRecords').map(([s, p]) => [s.name, p.client, p.check.expected, p.check.read, p.check.missing, p.check.duplicates, p.check.unexpected, p.check.outOfOrder, p.check.contentMismatches, p.check.status, p.getRecordsCalls, p.recordsPerSec, p.serverCpuMsPer1k, p.clientCpuMsPer1k, p.otherCores, errorText(p.errors) + (p.timedOut ? ' TIMED OUT' : '')]),
    ),
  PutToReceive: (results) =>
    markdownTable(
      ['server', 'client', 'sent', 'acked', 'received', 'p50 ms', 'p99 ms', 'max ms', 'PutRecord p99 ms', 'polls (empty)', 'server CPU ms/1k rec', 'other cores', 'client GC max ms', 'errors'],
      rowsFor(results, 'PutToReceive').map(([s, p]) => [s.name, p.client, p.sent, p.records, p.received, p.putToReceiveMs.p50, p.putToReceiveMs.p99, p.putToReceiveMs.max, p.putLatencyMs.p99, `${p.polls} (${p.emptyPolls})`, p.serverCpuMsPer1k, p.otherCores, p.clientGcMaxMs, [errorText(p.errors), p.unknown ? `${p.unknown} unknown` : '', p.duplicates ? `${p.duplicates} duplicates` : ''].filter(Boolean).join(' ')]),
    ),
};

function printTable(results) {
  const headers = ['server', 'phase', 'client', 'records', 'rec/s', 'p50 ms', 'p99 ms', 'srv CPU ms/1k', 'cli CPU ms/1k', 'srv cores', 'cli cores', 'other cores', 'notes'];
  const rows = [];
  for (const s of results.servers) {
    if (s.error && !s.phases.length) rows.push([s.name, '–', '–', '', '', '', '', '', '', '', '', '', `FAILED: ${s.error.split('\n')[0]}`]);
    for (const p of s.phases) {
      const lat = p.latencyMs ?? p.putToReceiveMs ?? p.callLatencyMs ?? {};
      const notes = [];
      if (p.check) notes.push(`check ${p.check.status}`);
      if (p.phase === 'PutRecords') notes.push(`bottleneck: ${bottleneck(p)}`);
      if (p.failed || p.failedEntries || p.failedCalls) notes.push(`${p.failed ?? p.failedEntries + p.failedCalls} failed`);
      if (p.phase === 'PutToReceive' && p.missing) notes.push(`${p.missing} not received`);
      if (p.timedOut) notes.push('TIMED OUT');
      if (p.otherCores >= OTHER_LOAD_LIMIT) notes.push('disturbed by other load');
      rows.push([s.name, p.phase, p.client, p.records, p.recordsPerSec, lat.p50, lat.p99, p.serverCpuMsPer1k, p.clientCpuMsPer1k, p.serverCores, p.clientCores, p.otherCores, notes.join(', ')]);
    }
    if (s.error && s.phases.length) rows.push([s.name, '–', '–', '', '', '', '', '', '', '', '', '', `FAILED after the phases above: ${s.error.split('\n')[0]}`]);
  }
  const cells = [headers, ...rows].map((r) => r.map(fmt));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i < 3 || i === r.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
  console.log('');
  for (const t of targets(results, results.config)) console.log(`${t.met === undefined ? '?      ' : t.met ? 'MET    ' : 'NOT MET'}  ${t.target}: ${t.measured}`);
}

function markdown(results, config) {
  const env = results.environment;
  const out = [];
  out.push('# Benchmark results');
  out.push('');
  out.push('Spate (all-in-one server) against kinesalite and kinesis-mock, same workload, same machine, same run.');
  out.push('Generated by `bench/run.js`; see [README.md](README.md) for what each phase does. Raw figures: [results.json](results.json).');
  if (config.scale !== 1) {
    out.push('');
    out.push(`> **This is a BENCH_SCALE=${config.scale} run** (counts scaled down for a quick check), not the reference run. Small runs are noisy: server CPU is read in ${1000 / env.clkTck} ms clock ticks.`);
  }
  out.push('');
  out.push('## How to rerun');
  out.push('');
  out.push('From the repository root, after `npm ci` (kinesalite and kinesis-local are devDependencies):');
  out.push('');
  out.push('```sh');
  out.push(`${env.command}   # the exact command of this run`);
  if (env.command !== 'npm run bench') out.push('npm run bench   # the reference run: full counts, all three servers');
  out.push('```');
  out.push('');
  out.push('`npm run bench` builds Spate with Nx first (cached when nothing changed; `BENCH_SKIP_BUILD=1` skips it), then runs each server in turn. Run it on an otherwise idle machine: the client and the server share the cores. The settings are listed in [README.md](README.md).');
  out.push('');
  out.push('## Environment');
  out.push('');
  out.push(
    markdownTable(
      ['date', 'CPU', 'cores', 'memory', 'load average at start (1/5/15 min)', 'Node', 'OS', 'command'],
      [[env.date, env.cpuModel, env.cores, `${env.memoryGiB} GiB`, env.loadAverageAtStart.join(' / '), env.node, env.os, `\`${env.command}\``]],
    ),
  );
  out.push('');
  out.push('## Servers');
  out.push('');
  out.push(
    markdownTable(
      ['server', 'version', 'storage', 'protocols', 'command', 'status'],
      results.servers.map((s) => [s.name, s.version, s.storage, (s.protocols ?? []).map((p) => (p === 'h1' ? 'HTTP/1.1' : 'cleartext HTTP/2')).join(', '), s.command ? `\`${s.command}\`` : '', s.error ? `FAILED: ${s.error.split('\n')[0]}` : 'ran']),
    ),
  );
  const failed = results.servers.filter((s) => s.error);
  for (const s of failed) {
    out.push('');
    out.push(`**${s.name} failed**${s.phases.length ? ' after the phases reported below' : ''}:`);
    out.push('');
    out.push('```');
    out.push(s.error.split('\n').slice(0, 25).join('\n'));
    out.push('```');
  }
  out.push('');
  out.push('## Targets');
  out.push('');
  out.push(markdownTable(['target', 'measured', 'verdict'], targets(results, config).map((t) => [t.target, t.measured, verdict(t)])));
  out.push('');
  out.push(`Ratios use the \`${config.baselineClient}\` client, which every server speaks, unless a row says otherwise.`);
  const allPhases = results.servers.flatMap((srv) => srv.phases.map((p) => ({ srv, p })));
  const disturbed = allPhases.filter(({ p }) => p.otherCores >= OTHER_LOAD_LIMIT);
  if (disturbed.length) {
    const loads = disturbed.map(({ p }) => p.otherCores);
    const which =
      disturbed.length === allPhases.length
        ? `every phase (${Math.min(...loads)}–${Math.max(...loads)} cores' worth)`
        : `${disturbed.length} of ${allPhases.length} phases (cores' worth in brackets): ${disturbed.map(({ srv, p }) => `${srv.name} ${p.phase} ${p.client} (${p.otherCores})`).join(', ')}`;
    out.push('');
    out.push(`> **Other processes took CPU during ${which}.** Throughput, latency and bottleneck figures of those phases are not trustworthy, and CPU per record less so; rerun on an idle machine.`);
  }
  out.push('');
  out.push('## Workload');
  out.push('');
  out.push(`Each server gets a fresh process and ${config.shards}-shard streams created with ShardCount ${config.shards} (polled until ACTIVE). Records are ${config.recordBytes} bytes with deterministic contents (a record index and a pattern) and partition keys \`pk-<index>\`. A warm-up (not reported) precedes the phases, so that they measure each server at steady state: per client variant ${Math.ceil(config.warmup.putRecordCount / 4)} PutRecord calls and ${config.warmup.putRecordsCalls} PutRecords calls of ${config.putRecords.batch} records, each step cut off after ${config.warmup.stepMs / 1000} s, then a GetRecords read-back of it all, per read client variant ${config.warmup.latencyCount} records through the put-to-receive workload (phase 4), and on a server that serves SubscribeToShard ${config.warmup.subscribeRounds} rounds of ${config.warmup.subscribeCount} records through the ${config.fanout[0].shards}-shard subscription phase (phase 5), each on a fresh stream. No client retries anything: a failed call counts as failed.`);
  out.push('');
  out.push(`1. **PutRecord**: ${fmt(config.putRecord.count)} records per client variant, ${config.putRecord.concurrency} calls in flight. Latency is per call.`);
  out.push(`2. **PutRecords**: ${fmt(config.putRecords.calls)} calls × ${config.putRecords.batch} records per client variant (${fmt(config.putRecords.calls * config.putRecords.batch)} records), ${config.putRecords.inFlight} calls in flight.`);
  out.push(`3. **GetRecords read-back**: every shard of the phase-2 stream from TRIM_HORIZON, Limit ${fmt(config.getRecords.limit)}, until an empty answer after all acknowledged records were seen; checked against every acknowledgement of phase 2 (sequence number, partition key, bytes; exactly once; ascending sequence order per shard; also ascending order per shard within each PutRecords answer). Once per read client variant.`);
  out.push(`4. **Put-to-receive**: one polling consumer per shard (GetRecords Limit ${fmt(config.getRecords.limit)}; after an empty answer it sleeps ${config.latency.pollSleepMs} ms (setTimeout, so ≥ ${config.latency.pollSleepMs} ms), after records it polls again at once) and one producer sending ${fmt(config.latency.count)} single PutRecord calls at a steady ${config.latency.ratePerSecond}/s without waiting for answers. Latency = arrival of the GetRecords answer holding the record − the moment its PutRecord was sent, in the same process. A fresh stream per client variant.`);
  out.push(`5. **SubscribeToShard** (servers that serve it): the same producer (the \`${config.subscribeClient}\` client), with one registered consumer subscribed to each shard from TRIM_HORIZON over one HTTP/2 session; records are pushed in events. Latency = event arrival − PutRecord sent. Fan-out: the same on a one-shard stream with ${config.fanout.slice(1).map((f) => f.consumers).join(' and then ')} subscribed consumers.`);
  out.push('');
  out.push('Client variants:');
  out.push('');
  for (const [name, v] of Object.entries(VARIANTS)) out.push(`- \`${name}\`: ${v.describe}.`);
  out.push('');
  out.push('Server CPU is utime+stime of the server process (and any children) from `/proc/<pid>/stat`, read before and after each phase; client CPU is `process.cpuUsage()` of the harness. "cores" = CPU time ÷ wall time (1.0 = one core busy all the time). "other cores" is the CPU the rest of the machine used meanwhile (from `/proc/stat`); a phase with ≥ ' + OTHER_LOAD_LIMIT + ' is flagged as disturbed. A PutRecords phase is "limited by" a side using ≥ 0.85 of a core (each side does its JavaScript on one thread); if neither is, the in-flight window × call latency limits it.');
  out.push('');
  out.push('## Figures');
  for (const [i, phase] of PHASES.entries()) {
    const titles = [
      'Round-trip floor (ListStreams, one call every 5 ms)',
      'PutRecord (1 KiB, concurrency 32)',
      'PutRecords (500 × 1 KiB)',
      'GetRecords read-back with correctness check',
      'Put-to-receive latency (polling consumer)',
      'Put-to-receive latency (SubscribeToShard, records pushed)',
      'Fan-out: one shard, 1 and 5 subscribed consumers',
    ];
    out.push('');
    out.push(`### ${i + 1}. ${titles[i]}`);
    out.push('');
    out.push(rowsFor(results, phase).length ? phaseTables[phase](results) : '_not measured_');
    if (phase === 'GetRecords') {
      const problems = rowsFor(results, phase).filter(([, p]) => p.problems?.length);
      for (const [s, p] of problems) {
        out.push('');
        out.push(`Problems found on ${s.name} (${p.client}), first ${p.problems.length}:`);
        out.push('');
        for (const text of p.problems.slice(0, 20)) out.push(`- ${text}`);
      }
    }
  }
  out.push('');
  out.push('## Ratios (Spate ÷ other server, same client, same run)');
  out.push('');
  const rs = ratios(results);
  out.push(
    rs.length
      ? markdownTable(['versus', 'phase', 'client', 'server CPU per record', 'throughput', 'p99 latency'], rs.map((r) => [r.versus, r.phase, r.client, r.serverCpuPerRecord, r.throughput, r.p99Latency]))
      : '_no ratios: Spate or the other servers did not run_',
  );
  out.push('');
  out.push('Below 1 is better for server CPU per record and latency; above 1 is better for throughput. For PutRecord, PutToReceive and GetRecords throughput the client and the 2-core machine weigh in as much as the server.');
  out.push('');
  const cluster = clusterComparison(results, config);
  if (cluster.some((r) => r.deployment !== 'spate')) {
    out.push('## Cluster: what replication costs');
    out.push('');
    out.push(
      'The same workload against the all-in-one server and against the split deployment on this same machine: a gateway, three shard brokers and Redis, with replication factor 1 (each shard on one broker) and 3 (every shard on all three; an append is acknowledged once all in-sync copies have synced it). Server CPU is the sum of all five processes.',
    );
    out.push('');
    out.push(
      markdownTable(
        ['deployment', 'phase', 'client', 'records/s', 'server CPU ms/1k rec', 'CPU vs all-in-one', 'p99 ms (call, or put-to-receive)', 'read-back check'],
        cluster.map((r) => [r.deployment, r.phase, r.client, r.recordsPerSec, r.serverCpuMsPer1k, r.cpuVsAllInOne, r.p99, r.check]),
      ),
    );
    out.push('');
    out.push('What one 2-core machine can show, and what it cannot:');
    out.push('');
    out.push('- **It shows the cost of replication per record**: with factor 3 every record is written and synced three times, travels twice more over gRPC, and the follower fetches and the leader\'s bookkeeping add CPU. CPU per record is the figure to trust here: it hardly depends on how the processes share the cores.');
    out.push('- **It shows the extra latency of a commit that waits for followers**: a follower\'s fetch round trip and its fsync come between the leader\'s write and the acknowledgement.');
    out.push('- **It cannot show scaling.** Five server processes and the load generator share two cores, so adding brokers adds work to the same cores; throughput here is bounded by the machine, not by the design. The cluster\'s gain is that shards (and their disks and cores) spread over machines: each broker does the work of its own shards, the gateways are stateless, and Redis sees only membership, leases and assignment changes, never records.');
    out.push("- **To measure scaling on real hosts**: run Redis and each broker on its own machine (or Kubernetes node, see `k8s/`) and one gateway per client machine, then run the bench from the client machines with `BENCH_SERVERS=external BENCH_EXTERNAL_ENDPOINT=http://<gateway>:4566 npm run bench` (it then measures throughput and latency; take server CPU from each host, for example `spate_process_cpu_seconds_total` in every broker's `/metrics`). Use streams with enough shards that every broker leads several, and step the brokers from 1 to 3 to 6 at replication factor 3: aggregate PutRecords throughput should grow by about one broker's worth per broker until the network or the clients saturate, while CPU per record per broker stays flat.");
    out.push('');
  }
  out.push('## Caveats');
  out.push('');
  out.push('- **Durable vs in memory.** Spate writes every record to segment files and fsyncs before acknowledging (group commit: concurrent puts share one fsync). kinesalite (no `--path`) and kinesis-mock (`SHOULD_PERSIST_DATA=false`) keep everything in memory and lose it on exit. Spate\'s figures include that durability.');
  out.push('- **HTTP/1.1 vs HTTP/2.** kinesalite speaks only HTTP/1.1, so the like-for-like comparison uses HTTP/1.1 clients (`lean-h1`, `sdk-h1`). Spate and kinesis-mock also accept cleartext HTTP/2 with prior knowledge, which the AWS SDK for JavaScript v3 uses by default; the `-h2` rows show it. The SDK\'s default Kinesis handler opens an isolated HTTP/2 session per call (`sdk-default`, off by default); the `sdk-h2` rows share one session.');
  out.push(`- **Shared, small machine.** ${env.cores} cores; the client and the server under test share them, and anything else running at the time (load average at start: ${env.loadAverageAtStart.join(' / ')}) takes from both. Throughput and latency move with that; CPU per record moves much less.`);
  out.push('- **kinesis-mock** runs with its default logging and listens on all interfaces (its bind address is not configurable); the harness talks to it over 127.0.0.1 like the others. It also opens a TLS port, unused here. **kinesalite** runs through `bench/kinesalite-server.js`, which is its CLI bound to 127.0.0.1.');
  out.push(`- CPU times are read in clock ticks of ${1000 / env.clkTck} ms; phases shorter than a few seconds have coarse CPU figures. Latency percentiles are nearest-rank.`);
  out.push('- Spate logs structured JSON to stdout (kept in bench/.work/spate.log); its logging is part of its CPU cost.');
  out.push('- Where Spate\'s CPU goes, and what stands between these figures and the targets: [ANALYSIS.md](ANALYSIS.md).');
  out.push('');
  return out.join('\n');
}

function writeResults(results, config) {
  results.targets = targets(results, config);
  results.ratios = ratios(results);
  results.cluster = clusterComparison(results, config);
  fs.writeFileSync(config.resultsJson, JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(config.resultsMd, markdown(results, config));
}

module.exports = { environment, printTable, writeResults, bottleneck, clusterComparison };
