#!/usr/bin/env node
// `npm run cluster`: a whole cluster on this machine, for development: a Redis (the local
// `redis-server`, persistent, unless SPATE_REDIS_URL names one), SPATE_CLUSTER_BROKERS shard
// brokers (3 by default) and a gateway on 127.0.0.1:4566. Data goes to ./data/cluster unless
// SPATE_CLUSTER_DIR says otherwise. Logs are prefixed with the process name. Ctrl-C stops the
// gateway, then each broker gracefully, then Redis.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.join(__dirname, '..');
const brokers = Number(process.env.SPATE_CLUSTER_BROKERS ?? 3);
if (!Number.isInteger(brokers) || brokers < 1 || brokers > 9) {
  console.error(`SPATE_CLUSTER_BROKERS must be an integer from 1 to 9; got ${process.env.SPATE_CLUSTER_BROKERS}`);
  process.exit(2);
}
const dir = path.resolve(root, process.env.SPATE_CLUSTER_DIR ?? 'data/cluster');
const nxEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
for (const app of ['shard-broker', 'gateway']) {
  const build = spawnSync(path.join(root, 'node_modules', '.bin', 'nx'), ['run', `${app}:build`, '--output-style=stream'], { cwd: root, env: nxEnv, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
fs.mkdirSync(dir, { recursive: true });

const children = [];
function run(name, command, args, env) {
  // In a process group of its own: Ctrl-C reaches this script alone, which stops the processes in order.
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = `${name.padEnd(14)}| `;
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    process.stdout.write(`${prefix}exited (${code ?? signal})\n`);
    if (!stopping) stop(1);
  });
  children.push({ name, child });
  return child;
}

let redisUrl = process.env.SPATE_REDIS_URL;
if (!redisUrl) {
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const redisServer = which.stdout.trim();
  if (!redisServer) {
    console.error('redis-server is not installed (Debian: apt-get install redis-server); or set SPATE_REDIS_URL to a Redis to use.');
    process.exit(2);
  }
  const port = process.env.SPATE_CLUSTER_REDIS_PORT ?? '6390';
  fs.mkdirSync(path.join(dir, 'redis'), { recursive: true });
  run('redis', redisServer, ['--port', port, '--bind', '127.0.0.1', '--dir', path.join(dir, 'redis'), '--appendonly', 'yes', '--appendfsync', 'always', '--save', '']);
  redisUrl = `redis://127.0.0.1:${port}`;
}

/** Resolves once something accepts connections on 127.0.0.1:port (Redis just started), within 10 s. */
function waitForPort(port) {
  const deadline = Date.now() + 10_000;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on 127.0.0.1:${port} after 10 s`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

async function startCluster() {
  if (!process.env.SPATE_REDIS_URL) await waitForPort(new URL(redisUrl).port);
  const shared = { SPATE_COORDINATION: 'redis', SPATE_REDIS_URL: redisUrl };
  const main = (app) => path.join(root, `dist/apps/${app}/apps/${app}/src/main.js`);
  for (let i = 0; i < brokers; i++) {
    run(`shard-broker-${i}`, process.execPath, [main('shard-broker')], {
      ...shared,
      SPATE_BROKER_ID: `broker-${i}`,
      SPATE_DATA_DIR: path.join(dir, `broker-${i}`),
      SPATE_BROKER_PORT: String(4600 + 10 * i),
      SPATE_BROKER_HTTP_PORT: String(4601 + 10 * i),
    });
  }
  run('gateway', process.execPath, [main('gateway')], { ...shared, SPATE_TLS_DIR: path.join(dir, 'gateway-tls') });
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  const order = [...children].reverse().filter(({ name }) => name !== 'redis');
  const redis = children.find(({ name }) => name === 'redis');
  // Gateway first, then brokers one at a time so each can hand its shards to the others.
  for (const { child } of order) await terminate(child);
  if (redis) await terminate(redis.child);
  process.exit(code);
}

function terminate(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop(0));

startCluster().catch((error) => {
  console.error(error.message);
  void stop(1);
});
