import type { StreamRepository } from '@spate/kds';
import type { ShardManager } from './shard-manager';

const HOUR_MS = 3_600_000;

/**
 * Enforces retention on the shard logs this broker holds: whole segments older than the stream's
 * retention period go, and so do the logs of stream incarnations that no longer exist.
 */
export class RetentionSweeper {
  constructor(
    private readonly shards: ShardManager,
    private readonly streams: StreamRepository,
    private readonly now: () => number = Date.now,
  ) {}

  async sweep(): Promise<void> {
    // Read the disk before the metadata: a stream created in between has no logs in the first list.
    const stored = await this.shards.storedStreamIds();
    const streams = await this.streams.listAll();
    const live = new Set(streams.map((s) => s.streamId));
    for (const streamId of stored) {
      if (!live.has(streamId)) await this.shards.dropStream(streamId);
    }
    const storedIds = new Set(stored);
    for (const stream of streams) {
      if (!storedIds.has(stream.streamId)) continue;
      const cutoffMs = this.now() - stream.retentionHours * HOUR_MS;
      for (const shard of stream.shards) {
        await this.shards.trim({ streamId: stream.streamId, shardId: shard.shardId }, cutoffMs);
      }
    }
  }
}
