import { ConfigError } from './config-schema';
import { tuneGarbageCollector } from './garbage-collector';

/**
 * Runs an app's start-up, with V8's garbage collector tuned for a server (see tuneGarbageCollector).
 * A configuration error ends the process with its message (which names every bad variable) and
 * exit code 2; any other start-up failure with its stack and exit code 1.
 */
export function runMain(start: () => Promise<unknown>): void {
  tuneGarbageCollector();
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`Start-up failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  });
}
