import type { ReadRecordsResult, ShardAddress, ShardDataPlane, TailRequest } from './ports/shard-data-plane';

/** An in-process data plane that can tell when a shard's readable end moves. */
export interface WaitableShards extends Pick<ShardDataPlane, 'read'> {
  /**
   * Resolves once a reader could see a record at `fromOffset` (the shard's readable end moved
   * past it), after `timeoutMs`, or when `signal` aborts, whichever is first.
   */
  waitForRecords(address: ShardAddress, fromOffset: number, timeoutMs: number, signal?: AbortSignal): Promise<void>;
}

/**
 * ShardDataPlane.tail for a data plane in this process: reads what is readable, and when there
 * is nothing, waits on the shard's appends (no polling) until there is, or until the keep-alive
 * is due and an empty read goes out. The next read starts only when the consumer asks for it.
 */
export async function* tailShard(shards: WaitableShards, request: TailRequest, signal: AbortSignal): AsyncGenerator<ReadRecordsResult> {
  const { fromOffset, keepAliveMs, ...read } = request;
  let offset = fromOffset;
  let quietSinceMs = Date.now();
  while (!signal.aborted) {
    const result = await shards.read({ fromOffset: offset, ...read });
    if (result.startOffset > offset) offset = result.startOffset;
    const last = result.records[result.records.length - 1];
    if (last) offset = last.offset + 1;
    const now = Date.now();
    if (last || now - quietSinceMs >= keepAliveMs) {
      quietSinceMs = now;
      yield result;
      continue;
    }
    await shards.waitForRecords(read, offset, quietSinceMs + keepAliveMs - now, signal);
  }
}
