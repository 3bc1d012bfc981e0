import { createConnection, type NetConnectOpts } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export type RedisAddress = { path: string } | { host: string; port: number };

/**
 * Polls until Redis at `address` answers PING (a server still loading its data answers -LOADING),
 * or rejects after `timeoutMs` or as soon as `gaveUp()` says the server died.
 */
export async function waitForPong(
  address: RedisAddress,
  timeoutMs: number,
  gaveUp: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await answersPing(address))) {
    const reason = gaveUp();
    if (reason) throw new Error(reason);
    if (Date.now() > deadline) {
      throw new Error(`Redis at ${JSON.stringify(address)} did not answer PING within ${timeoutMs} ms`);
    }
    await sleep(20);
  }
}

/** Whether Redis at `address` answers PING now. */
export function answersPing(address: RedisAddress): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(address as NetConnectOpts);
    let reply = '';
    const finish = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      reply += data.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}
