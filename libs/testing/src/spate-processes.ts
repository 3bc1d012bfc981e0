import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port';

const ROOT = path.join(__dirname, '..', '..', '..');
const MAIN = {
  spate: 'dist/apps/spate/apps/spate/src/main.js',
  gateway: 'dist/apps/gateway/apps/gateway/src/main.js',
  'shard-broker': 'dist/apps/shard-broker/apps/shard-broker/src/main.js',
} as const;
export type SpateApp = keyof typeof MAIN;

/** One running Spate app, started from its build in dist/ as a user would run it. */
export class SpateProcess {
  private child?: ChildProcess;
  private output = '';
  private exited?: Promise<void>;

  constructor(
    readonly app: SpateApp,
    readonly env: Record<string, string>,
  ) {}

  /** Starts (or restarts) the app and waits until `ready` matches its output; returns the match. */
  async start(ready: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const main = path.join(ROOT, MAIN[this.app]);
    if (!existsSync(main)) throw new Error(`${main} is missing: build the app first (npx nx run ${this.app}:build)`);
    this.output = '';
    const child = spawn(process.execPath, [main], { cwd: ROOT, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`${this.app} did not become ready in ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        const match = this.output.match(ready);
        if (match) {
          clearTimeout(timer);
          resolve(match);
        }
      };
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => fail(new Error(`${this.app} exited (${code ?? signal}) before it was ready:\n${this.output}`)));
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get logs(): string {
    return this.output;
  }

  /** Sends a signal and waits for the process to end (SIGKILL: no chance to flush anything). */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }
}

/** Runs an app to its end (for start-ups that must fail), with its output. */
export function runToExit(app: SpateApp, env: Record<string, string>, timeoutMs = 20_000): SpawnSyncReturns<string> {
  const main = path.join(ROOT, MAIN[app]);
  if (!existsSync(main)) throw new Error(`${main} is missing: build the app first (npx nx run ${app}:build)`);
  return spawnSync(process.execPath, [main], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs });
}

export function tempDataDir(prefix = 'spate-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const LISTENING = /AWS endpoint listening on http:\/\/[^:]+:(\d+)/;

export interface RunningSpate {
  endpoint: string;
  processes: SpateProcess[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The all-in-one server on a free port, with its data in `dataDir`. */
export async function startAllInOne(dataDir: string, env: Record<string, string> = {}): Promise<RunningSpate & { server: SpateProcess }> {
  const server = new SpateProcess('spate', { SPATE_PORT: '0', SPATE_TLS_PORT: '0', SPATE_DATA_DIR: dataDir, ...env });
  const [, port] = await server.start(LISTENING);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    server,
    processes: [server],
    stop: (signal) => server.kill(signal),
  };
}

const HTTPS_LISTENING = /AWS endpoint listening on https:\/\/[^:]+:(\d+)/;

/**
 * The HTTPS endpoint of a started all-in-one server, named `localhost` as its generated
 * certificate is, and the certificate file clients are told to trust.
 */
export async function tlsEndpoint(server: SpateProcess, dataDir: string): Promise<{ endpoint: string; port: number; certFile: string }> {
  for (let i = 0; i < 100 && !HTTPS_LISTENING.test(server.logs); i++) await sleep(50);
  const match = server.logs.match(HTTPS_LISTENING);
  if (!match) throw new Error(`${server.app} logged no HTTPS endpoint:\n${server.logs}`);
  return { endpoint: `https://localhost:${match[1]}`, port: Number(match[1]), certFile: path.join(dataDir, 'tls', 'cert.pem') };
}

/** A broker counts as started once it is a cluster member (its gRPC server listens before it joins). */
export const BROKER_JOINED = /joined the cluster/;

export interface RunningCluster extends RunningSpate {
  gateway: SpateProcess;
  brokers: SpateProcess[];
  /** The Redis key prefix of this cluster. */
  keyPrefix: string;
  /** The broker process with that id (`broker-<i>`). */
  broker(id: string): SpateProcess;
  /** Starts one more broker (the next id) and waits until it has joined. */
  addBroker(env?: Record<string, string>): Promise<SpateProcess>;
}

/**
 * The split deployment: `brokers` shard brokers (ids broker-0, broker-1, ...; data in
 * `<dataDir>/broker-<i>`) and a gateway, talking gRPC and coordinated through Redis.
 */
export async function startCluster(
  options: { redisUrl: string; dataDir: string; keyPrefix?: string; brokers?: number },
  env: Record<string, string> = {},
): Promise<RunningCluster> {
  const prefix = options.keyPrefix ?? `spate-${await freePort()}:`;
  const shared = { SPATE_COORDINATION: 'redis', SPATE_REDIS_URL: options.redisUrl, SPATE_REDIS_KEY_PREFIX: prefix, ...env };
  const brokers: SpateProcess[] = [];
  const addBroker = async (extra: Record<string, string> = {}) => {
    const id = brokers.length;
    const port = await freePort();
    const broker = new SpateProcess('shard-broker', {
      ...shared,
      SPATE_BROKER_ID: `broker-${id}`,
      SPATE_DATA_DIR: path.join(options.dataDir, `broker-${id}`),
      SPATE_BROKER_PORT: String(port),
      SPATE_BROKER_HTTP_PORT: '0',
      ...extra,
    });
    brokers.push(broker);
    await broker.start(BROKER_JOINED);
    return broker;
  };
  const gateway = new SpateProcess('gateway', { ...shared, SPATE_PORT: '0', SPATE_TLS_PORT: '0', SPATE_TLS_DIR: path.join(options.dataDir, 'gateway-tls') });
  const stopAll = async (signal?: NodeJS.Signals) => {
    await gateway.kill(signal);
    await Promise.all(brokers.map((b) => b.kill(signal)));
  };
  let port: string;
  try {
    for (let i = 0; i < (options.brokers ?? 1); i++) await addBroker();
    [, port] = await gateway.start(LISTENING);
  } catch (error) {
    await stopAll('SIGKILL');
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    gateway,
    brokers,
    addBroker,
    keyPrefix: prefix,
    broker: (id) => {
      const found = brokers.find((b) => b.env.SPATE_BROKER_ID === id);
      if (!found) throw new Error(`no broker ${id} in this cluster`);
      return found;
    },
    get processes() {
      return [gateway, ...brokers];
    },
    stop: stopAll,
  };
}

/** The split deployment with one broker. */
export async function startSplit(
  options: { redisUrl: string; dataDir: string; keyPrefix?: string },
  env: Record<string, string> = {},
): Promise<RunningSpate & { gateway: SpateProcess; broker: SpateProcess }> {
  const cluster = await startCluster({ ...options, brokers: 1 }, env);
  return { ...cluster, endpoint: cluster.endpoint, broker: cluster.brokers[0], processes: cluster.processes, stop: cluster.stop };
}
