'use strict';
// Spate's split deployment as a server under test: a local redis-server, three shard brokers and
// one gateway, all on this machine. Its CPU is the sum of all five processes.
const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { processTreeCpuMs } = require('./cpu');
const { LeanKinesisClient } = require('./lean-client');

const BROKERS = 3;
const MAIN = (app) => `dist/apps/${app}/apps/${app}/src/main.js`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Spawns a process with its output in logFile; resolves once `ready` matches that output. */
function spawnReady({ name, command, args, env, cwd, logFile, ready, live, tail, timeoutMs = 60_000 }) {
  const log = fs.openSync(logFile, 'w');
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    live.delete(child);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready within ${timeoutMs} ms; log ${logFile}:\n${tail(logFile)}`)), timeoutMs);
    const onData = (chunk) => {
      fs.writeSync(log, chunk);
      if (output === null) return;
      output += chunk.toString('utf8');
      const match = ready.exec(output);
      if (match) {
        output = null;
        clearTimeout(timer);
        resolve({ child, match, exited: () => exited });
      } else output = output.slice(-8192);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during start-up; log ${logFile}:\n${tail(logFile)}`));
    });
  });
}

/** `deps`: the process registry and helpers of servers.js. */
function clusterServer(replicationFactor, { live, freePort, buildApp, tail }) {
  const fsync = process.env.BENCH_SPATE_FSYNC ?? 'group';
  return {
    protocols: ['h1', 'h2'],
    subscribe: true,
    storage: `durable: each broker's segment files in a temp dir, SPATE_FSYNC=${fsync}; replication factor ${replicationFactor} (an append is acknowledged once every in-sync copy has synced it); Redis with appendfsync always`,
    version: (config) => JSON.parse(fs.readFileSync(path.join(config.root, 'package.json'), 'utf8')).version,
    command: () =>
      `redis-server (AOF, fsync always) + ${BROKERS} × \`SPATE_REPLICATION_FACTOR=${replicationFactor} SPATE_MIN_INSYNC_REPLICAS=${Math.min(2, replicationFactor)} SPATE_FSYNC=${fsync} node ${MAIN('shard-broker')}\` + \`node ${MAIN('gateway')}\`, all on 127.0.0.1`,
    async start(config) {
      if (config.buildSpate) {
        for (const app of ['gateway', 'shard-broker']) {
          const failure = buildApp(config, app);
          if (failure) throw new Error(failure);
        }
      }
      for (const app of ['gateway', 'shard-broker']) {
        if (!fs.existsSync(path.join(config.root, MAIN(app)))) throw new Error(`${MAIN(app)} does not exist; build it with: NX_DAEMON=false npx nx run ${app}:build`);
      }
      const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
      if (!which.stdout.trim()) throw new Error('redis-server is not installed (apt-get install redis-server)');
      const dir = fs.mkdtempSync(path.join(config.workDir, `cluster-rf${replicationFactor}-`));
      const name = `spate-cluster-rf${replicationFactor}`;
      const processes = [];
      const redisPort = await freePort();
      processes.push(
        await spawnReady({
          name: 'redis',
          command: which.stdout.trim(),
          args: ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
          env: {},
          cwd: dir,
          logFile: path.join(config.workDir, `${name}-redis.log`),
          ready: /Ready to accept connections/,
          live,
          tail,
        }),
      );
      const shared = { SPATE_COORDINATION: 'redis', SPATE_REDIS_URL: `redis://127.0.0.1:${redisPort}`, SPATE_FSYNC: fsync };
      for (let i = 0; i < BROKERS; i++) {
        processes.push(
          await spawnReady({
            name: `broker-${i}`,
            command: process.execPath,
            args: [path.join(config.root, MAIN('shard-broker'))],
            env: {
              ...shared,
              SPATE_BROKER_ID: `broker-${i}`,
              SPATE_DATA_DIR: path.join(dir, `broker-${i}`),
              SPATE_BROKER_PORT: String(await freePort()),
              SPATE_BROKER_HTTP_PORT: '0',
              SPATE_REPLICATION_FACTOR: String(replicationFactor),
              SPATE_MIN_INSYNC_REPLICAS: String(Math.min(2, replicationFactor)),
            },
            cwd: config.root,
            logFile: path.join(config.workDir, `${name}-broker-${i}.log`),
            ready: /joined the cluster/,
            live,
            tail,
          }),
        );
      }
      const gateway = await spawnReady({
        name: 'gateway',
        command: process.execPath,
        args: [path.join(config.root, MAIN('gateway'))],
        env: { ...shared, SPATE_PORT: '0', SPATE_HOST: '127.0.0.1', SPATE_TLS: 'off' },
        cwd: config.root,
        logFile: path.join(config.workDir, `${name}-gateway.log`),
        ready: /AWS endpoint listening on (http:\/\/127\.0\.0\.1:\d+)/,
        live,
        tail,
      });
      processes.push(gateway);
      const endpoint = gateway.match[1];
      const probe = new LeanKinesisClient(endpoint, { protocol: 'h1', timeoutMs: 2000 });
      try {
        await probe.call('ListStreams', {});
      } finally {
        probe.close();
      }
      const exitedOne = () => processes.find((p) => p.exited());
      return {
        pid: gateway.child.pid,
        endpoint,
        logFile: path.join(config.workDir, `${name}-*.log`),
        cpuMs: () => {
          let total = 0;
          for (const p of processes) {
            const ms = processTreeCpuMs(p.child.pid);
            if (ms === undefined) return undefined;
            total += ms;
          }
          return total;
        },
        alive: () => !exitedOne(),
        exitInfo: () => exitedOne()?.exited(),
        async stop() {
          // Gateway first, then brokers, then Redis; SIGKILL for anything still there after 10 s.
          for (const p of [...processes].reverse()) {
            if (p.exited()) continue;
            const gone = new Promise((r) => p.child.once('exit', r));
            p.child.kill('SIGTERM');
            const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
            await gone;
            clearTimeout(timer);
          }
          await sleep(50);
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

module.exports = { clusterServer };
