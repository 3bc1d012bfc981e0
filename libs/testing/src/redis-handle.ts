/** A Redis for a test. */
export interface RedisHandle {
  /** `unix:///…/redis.sock` for a local `redis-server`, `redis://host:port` otherwise. */
  url: string;
  /** Stops the server and deletes its files. Does nothing to a server given by REDIS_URL. */
  stop(): Promise<void>;
  /**
   * Stops the server, runs `whileDown` while nothing answers at `url`, and starts it again at the
   * same address. Data survives only when the server is persistent. Rejects for REDIS_URL.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
}

export interface StartRedisOptions {
  /** Keep data across `restart` (append-only file, fsynced on every write). Implies `dedicated`. */
  persistent?: boolean;
  /** A server of the test's own even when REDIS_URL is set, for tests that restart it. */
  dedicated?: boolean;
}

/** Server flags for the persistence a test asked for. */
export function persistenceArgs(persistent: boolean): string[] {
  return ['--save', '', ...(persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];
}
