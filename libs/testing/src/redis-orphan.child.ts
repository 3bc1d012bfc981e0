// Starts a local redis-server, prints its URL, and runs until killed: the spec kills it with
// SIGKILL to check that the server does not outlive it.
import { findExecutable } from './find-executable';
import { LocalRedisServer } from './local-redis-server';

async function main(): Promise<void> {
  const binary = findExecutable('redis-server');
  if (!binary) throw new Error('redis-server is not on PATH (apt-get install -y redis-server)');
  const server = await LocalRedisServer.start(binary, false);
  process.stdout.write(`${server.url}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
