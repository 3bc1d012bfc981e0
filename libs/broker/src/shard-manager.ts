import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { LogSealedError, ShardLog, type FsyncPolicy } from '@spate/log-store';
import {
  RecordWaiters,
  ShardSealedError,
  tailShard,
  type AppendRecordsRequest,
  type AppendRecordsResult,
  type ReadRecordsRequest,
  type ReadRecordsResult,
  type ShardAddress,
  type ShardBounds,
  type ShardDataPlane,
  type TailRequest,
} from '@spate/kds';

export interface ShardManagerOptions {
  /** Shard logs live in `<dataDir>/shards/<streamId>/<shardId>/`. */
  dataDir: string;
  fsync: FsyncPolicy;
  segmentMaxBytes?: number;
}

const SAFE_ID = /^(?!\.{1,2}$)[A-Za-z0-9_.-]{1,128}$/;

/**
 * The shard logs this process holds, opened on first use. It is the data plane itself in the
 * all-in-one server and the storage behind the broker's gRPC service in the split deployment.
 */
export class ShardManager implements ShardDataPlane {
  private readonly logs = new Map<string, Promise<ShardLog>>();
  private readonly waiters = new RecordWaiters();

  constructor(private readonly options: ShardManagerOptions) {}

  async append(request: AppendRecordsRequest): Promise<AppendRecordsResult> {
    const log = await this.openLog(request);
    try {
      const appended = await log.append(request.records);
      this.waiters.advanced(`${request.streamId}/${request.shardId}`, log.durableOffset);
      return appended;
    } catch (error) {
      if (error instanceof LogSealedError) throw new ShardSealedError(request);
      throw error;
    }
  }

  async read(request: ReadRecordsRequest): Promise<ReadRecordsResult> {
    const log = await this.openLog(request);
    const bounds = boundsOf(log);
    const available = Math.max(0, bounds.nextOffset - Math.max(request.fromOffset, bounds.startOffset));
    if (available === 0) return { records: [], ...bounds };
    // Views, not decoded records: GetRecords copies their bytes straight into its answer, and
    // the gRPC service reads them like any StoredRecord.
    const records = log.readViews(request.fromOffset, Math.min(request.maxRecords, available), request.maxBytes, request.readBuffers);
    return { records, ...bounds };
  }

  async bounds(address: ShardAddress): Promise<ShardBounds> {
    return boundsOf(await this.openLog(address));
  }

  async offsetAtTimestamp(address: ShardAddress, timestampMs: number): Promise<number> {
    return (await this.openLog(address)).offsetAtTimestamp(timestampMs);
  }

  /** The final bounds include appends still being synced: they are acknowledged moments later. */
  async seal(address: ShardAddress): Promise<ShardBounds> {
    const log = await this.openLog(address);
    if (!log.sealed) await log.seal();
    return { startOffset: log.startOffset, nextOffset: log.nextOffset, lastArrivalMs: log.lastArrivalMs };
  }

  tail(request: TailRequest, signal: AbortSignal): AsyncIterable<ReadRecordsResult> {
    return tailShard(this, request, signal);
  }

  async waitForRecords(address: ShardAddress, fromOffset: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const log = await this.openLog(address);
    await this.waiters.wait(`${address.streamId}/${address.shardId}`, fromOffset, log.durableOffset, timeoutMs, signal);
  }

  async trim(address: ShardAddress, cutoffMs: number): Promise<void> {
    await (await this.openLog(address)).trim(cutoffMs);
  }

  async dropStream(streamId: string): Promise<void> {
    assertSafe(streamId);
    const prefix = `${streamId}/`;
    for (const [key, opening] of [...this.logs]) {
      if (!key.startsWith(prefix)) continue;
      this.logs.delete(key);
      await (await opening).close();
    }
    await fs.rm(path.join(this.options.dataDir, 'shards', streamId), { recursive: true, force: true });
  }

  /** Stream incarnations that have logs on this broker's disk. */
  async storedStreamIds(): Promise<string[]> {
    try {
      return await fs.readdir(path.join(this.options.dataDir, 'shards'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async close(): Promise<void> {
    const openings = [...this.logs.values()];
    this.logs.clear();
    await Promise.all(openings.map(async (opening) => (await opening).close()));
  }

  /** The shard's log, opened on first use (one ShardLog per shard for the whole process). */
  openLog(address: ShardAddress): Promise<ShardLog> {
    const key = `${address.streamId}/${address.shardId}`;
    let opening = this.logs.get(key);
    if (!opening) {
      assertSafe(address.streamId);
      assertSafe(address.shardId);
      opening = ShardLog.open({
        dir: path.join(this.options.dataDir, 'shards', address.streamId, address.shardId),
        fsync: this.options.fsync,
        segmentMaxBytes: this.options.segmentMaxBytes,
      });
      opening.catch(() => this.logs.delete(key));
      this.logs.set(key, opening);
    }
    return opening;
  }
}

/**
 * What readers may see: records up to the durable offset only, so no reader is ever shown a record
 * that a crash could take back before its put was acknowledged.
 */
function boundsOf(log: ShardLog): ShardBounds {
  return { startOffset: log.startOffset, nextOffset: log.durableOffset, lastArrivalMs: log.lastArrivalMs };
}

/** Ids become directory names: never let one climb out of the data directory. */
function assertSafe(id: string): void {
  if (!SAFE_ID.test(id)) throw new Error(`Unsafe shard log id ${JSON.stringify(id)}`);
}
