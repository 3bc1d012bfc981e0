/**
 * Rejects if `work` has not settled within `ms`. node-redis times a command out only while it
 * waits to be sent, so a server that stops answering would otherwise leave callers waiting forever.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(describe())), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
