'use strict';
// Starts and stops the servers under test, each as its own child process on 127.0.0.1, and
// reports their CPU time. Every process started here is killed when the run ends, also on error.
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { processTreeCpuMs } = require('./cpu');
const { LeanKinesisClient } = require('./lean-client');

const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function packageVersion(root, name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function tail(file, lines = 20) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Spawns `node args...` with its output in a log file, and waits until it answers ListStreams
 * (or, when endpointFrom is given, until it prints its endpoint and then answers).
 */
async function launch({ name, args, env, cwd, logFile, port, endpointFrom, startTimeoutMs = 60_000 }) {
  const log = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', endpointFrom ? 'pipe' : log, log],
  });
  live.add(child);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    live.delete(child);
  });

  let endpoint = port ? `http://127.0.0.1:${port}` : undefined;
  if (endpointFrom) {
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      fs.writeSync(log, chunk);
      if (endpoint) return;
      buffered += chunk.toString('utf8');
      const m = endpointFrom.exec(buffered);
      if (m) endpoint = m[1];
      else buffered = buffered.slice(-4096);
    });
  }

  const deadline = Date.now() + startTimeoutMs;
  let lastError;
  for (;;) {
    if (exited) throw new Error(`${name} exited during start-up (${JSON.stringify(exited)}); log ${logFile}:\n${tail(logFile)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer within ${startTimeoutMs} ms (${lastError?.message ?? 'no endpoint printed'}); log ${logFile}:\n${tail(logFile)}`);
    }
    if (endpoint) {
      const probe = new LeanKinesisClient(endpoint, { protocol: 'h1', timeoutMs: 2000 });
      try {
        await probe.call('ListStreams', {});
        break;
      } catch (err) {
        lastError = err;
      } finally {
        probe.close();
      }
    }
    await sleep(100);
  }

  return {
    pid: child.pid,
    endpoint,
    logFile,
    cpuMs: () => processTreeCpuMs(child.pid),
    alive: () => !exited,
    exitInfo: () => exited,
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Builds one Spate app with Nx (cached when nothing changed). Returns an error message or undefined. */
function buildApp(config, app) {
  const logFile = path.join(config.workDir, `${app}-build.log`);
  const out = spawnSync(path.join(config.root, 'node_modules', '.bin', 'nx'), ['run', `${app}:build`, '--output-style=stream'], {
    cwd: config.root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    encoding: 'utf8',
    timeout: 15 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  fs.writeFileSync(logFile, `${out.stdout ?? ''}${out.stderr ?? ''}`);
  if (out.status !== 0) return `nx run ${app}:build failed (status ${out.status ?? out.signal}); log ${logFile}:\n${tail(logFile)}`;
  return undefined;
}

const SPATE_MAIN = 'dist/apps/spate/apps/spate/src/main.js';

/** The servers under test, by name. Each start() resolves to a running server handle. */
const SERVERS = {
  spate: {
    protocols: ['h1', 'h2'],
    /** Serves SubscribeToShard (phases 5 and 6). */
    subscribe: true,
    storage: `durable: segment files in a temp dir, SPATE_FSYNC=${process.env.BENCH_SPATE_FSYNC ?? 'group'} (fsync before acknowledge, concurrent puts share one fsync)`,
    version: (config) => JSON.parse(fs.readFileSync(path.join(config.root, 'package.json'), 'utf8')).version,
    command: (config) =>
      `SPATE_PORT=0 SPATE_HOST=127.0.0.1 SPATE_TLS=off SPATE_DATA_DIR=<temp dir> SPATE_FSYNC=${process.env.BENCH_SPATE_FSYNC ?? 'group'} node ${SPATE_MAIN}`,
    async start(config) {
      if (config.buildSpate) {
        const failure = buildApp(config, 'spate');
        if (failure) throw new Error(failure);
      }
      const main = path.join(config.root, SPATE_MAIN);
      if (!fs.existsSync(main)) throw new Error(`${SPATE_MAIN} does not exist; build it with: NX_DAEMON=false npx nx run spate:build`);
      const dataDir = fs.mkdtempSync(path.join(config.workDir, 'spate-data-'));
      const handle = await launch({
        name: 'spate',
        args: [main],
        cwd: config.root,
        env: {
          SPATE_PORT: '0',
          SPATE_HOST: '127.0.0.1',
          SPATE_TLS: 'off',
          SPATE_DATA_DIR: dataDir,
          SPATE_FSYNC: process.env.BENCH_SPATE_FSYNC ?? 'group',
        },
        logFile: path.join(config.workDir, 'spate.log'),
        endpointFrom: /AWS endpoint listening on (http:\/\/127\.0\.0\.1:\d+)/,
      });
      const stop = handle.stop;
      handle.stop = async () => {
        await stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      };
      return handle;
    },
  },

  kinesalite: {
    protocols: ['h1'],
    storage: 'in memory (no --path)',
    version: (config) => packageVersion(config.root, 'kinesalite'),
    command: () =>
      'node bench/kinesalite-server.js <port>  (= node node_modules/kinesalite/cli.js --port <port> --createStreamMs 0 --deleteStreamMs 0 --updateStreamMs 0 --shardLimit 1000, bound to 127.0.0.1)',
    async start(config) {
      const port = await freePort();
      return launch({
        name: 'kinesalite',
        args: [path.join(__dirname, 'kinesalite-server.js'), String(port)],
        cwd: config.root,
        env: {},
        logFile: path.join(config.workDir, 'kinesalite.log'),
        port,
      });
    },
  },

  'kinesis-mock': {
    protocols: ['h1', 'h2'],
    storage: 'in memory (SHOULD_PERSIST_DATA=false)',
    version: (config) => packageVersion(config.root, 'kinesis-local'),
    command: () =>
      'KINESIS_MOCK_PLAIN_PORT=<port> KINESIS_MOCK_TLS_PORT=<port2> CREATE_STREAM_DURATION=0ms DELETE_STREAM_DURATION=0ms SHARD_LIMIT=1000 SHOULD_PERSIST_DATA=false node node_modules/kinesis-local/main.js',
    async start(config) {
      const port = await freePort();
      const tlsPort = await freePort();
      const pkg = path.join(config.root, 'node_modules', 'kinesis-local');
      return launch({
        name: 'kinesis-mock',
        args: [path.join(pkg, 'main.js')],
        cwd: pkg,
        env: {
          KINESIS_MOCK_PLAIN_PORT: String(port),
          KINESIS_MOCK_TLS_PORT: String(tlsPort),
          KINESIS_MOCK_CERT_PATH: path.join(pkg, 'server.json'),
          CREATE_STREAM_DURATION: '0ms',
          DELETE_STREAM_DURATION: '0ms',
          UPDATE_SHARD_COUNT_DURATION: '0ms',
          SHARD_LIMIT: '1000',
          SHOULD_PERSIST_DATA: 'false',
        },
        logFile: path.join(config.workDir, 'kinesis-mock.log'),
        port,
      });
    },
  },
};

module.exports = { SERVERS, freePort };

const { clusterServer } = require('./cluster-servers');

/** Spate's split deployment on this machine: Redis, three brokers and a gateway, at replication factor 1 and 3. */
SERVERS['spate-cluster-rf1'] = clusterServer(1, { live, freePort, buildApp, tail });
SERVERS['spate-cluster-rf3'] = clusterServer(3, { live, freePort, buildApp, tail });

/**
 * A deployment started elsewhere (for example a cluster on real hosts), reached at
 * BENCH_EXTERNAL_ENDPOINT. Its CPU is not measured here.
 */
SERVERS.external = {
  protocols: ['h1', 'h2'],
  subscribe: true,
  storage: 'whatever the external deployment uses',
  version: () => 'external',
  command: () => `already running at ${process.env.BENCH_EXTERNAL_ENDPOINT ?? '<BENCH_EXTERNAL_ENDPOINT unset>'}`,
  async start() {
    const endpoint = process.env.BENCH_EXTERNAL_ENDPOINT;
    if (!endpoint) throw new Error('BENCH_SERVERS=external needs BENCH_EXTERNAL_ENDPOINT=http://host:port');
    return { pid: undefined, endpoint, logFile: '(external)', cpuMs: () => undefined, alive: () => true, exitInfo: () => undefined, async stop() {} };
  },
};
