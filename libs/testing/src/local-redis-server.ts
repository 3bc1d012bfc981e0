import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { persistenceArgs, type RedisHandle } from './redis-handle';
import { waitForPong } from './wait-for-pong';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Starts `redis-server` (the rest of the arguments) in place of this shell, after leaving behind a
 * watcher that reads the first line of stdin, a pipe from the test process. The test process
 * writes `stop` before stopping the server itself; if it dies instead, however it dies, the pipe
 * closes and the watcher kills the server and deletes its directory. (A background job's stdin is
 * /dev/null in sh, hence the pipe's copy on fd 3.)
 */
const WATCHDOG = `
dir=$1; shift
exec 3<&0
( read -r line <&3; if [ "$line" != stop ]; then kill -KILL $$; rm -rf "$dir"; fi ) &
exec "$@" 3<&-
`;

/**
 * A `redis-server` on a unix socket in a private temporary directory, so that parallel test workers
 * never compete for a port. The directory also holds its log and data.
 */
export class LocalRedisServer implements RedisHandle {
  readonly url: string;
  private process: ChildProcess | undefined;

  private constructor(
    private readonly binary: string,
    private readonly directory: string,
    private readonly args: string[],
  ) {
    this.url = pathToFileURL(this.socketPath).href.replace(/^file:/, 'unix:');
  }

  static async start(binary: string, persistent: boolean): Promise<LocalRedisServer> {
    const directory = await mkdtemp(join(tmpdir(), 'spate-redis-'));
    const args = [
      '--port', '0',
      '--unixsocket', join(directory, 'redis.sock'),
      '--unixsocketperm', '700',
      '--dir', directory,
      '--logfile', join(directory, 'redis.log'),
      ...persistenceArgs(persistent),
    ];
    const server = new LocalRedisServer(binary, directory, args);
    try {
      await server.launch();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  async restart(whileDown?: () => Promise<void>): Promise<void> {
    await this.terminate();
    await whileDown?.();
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.terminate();
    await rm(this.directory, { recursive: true, force: true });
  }

  private get socketPath(): string {
    return join(this.directory, 'redis.sock');
  }

  private async launch(): Promise<void> {
    const child = spawn('/bin/sh', ['-c', WATCHDOG, 'sh', this.directory, this.binary, ...this.args], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    this.process = child;
    // The server must not keep a test run from ending; the watchdog stops it when this process does.
    child.unref();
    const watchdogPipe = child.stdin as Socket;
    watchdogPipe.unref();
    watchdogPipe.on('error', () => undefined);
    let failure: string | undefined;
    child.on('error', (error) => {
      failure = `${this.binary} did not start: ${error.message}`;
    });
    child.on('exit', (code, signal) => {
      failure ??= `${this.binary} exited (${signal ?? code}) before answering PING`;
    });
    await waitForPong({ path: this.socketPath }, START_TIMEOUT_MS, () => failure).catch(async (error: Error) => {
      const log = await readFile(join(this.directory, 'redis.log'), 'utf8').catch(() => '');
      throw new Error(`${error.message}${log ? `\nredis.log:\n${log}` : ''}`);
    });
  }

  /** SIGTERM lets Redis flush its append-only file; SIGKILL follows if it does not exit. */
  private async terminate(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    // Stand the watchdog down first, even for a server that already died: it must never kill a pid
    // that may have been reused.
    child?.stdin?.end('stop\n');
    if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}
