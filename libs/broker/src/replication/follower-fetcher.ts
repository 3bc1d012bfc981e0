import { status } from '@grpc/grpc-js';
import { settle } from '../grpc-shard-data-plane';
import { decodeStoredRecords } from '../record-batch';
import type { PeerClients } from './peer-clients';
import type { ShardReplica } from './shard-replica';
import { setTimeout as sleep } from 'node:timers/promises';

const FETCH_MAX_BYTES = 8 * 1024 * 1024;
const FETCH_MAX_WAIT_MS = 500;
/** A leader that has not answered a fetch this long after its wait is over counts as unreachable (it may be frozen). */
const ANSWER_GRACE_MS = 2000;

export interface FetcherOptions {
  brokerId: string;
  peers: PeerClients;
  /** Called when the leader says this broker's view is out of date. */
  onStale: () => void;
  onError?: (error: Error) => void;
}

/**
 * Keeps one follower copy up with its leader: truncates where it diverged, then fetches in a
 * loop. Each fetch asks for the records after this copy's durable end, which is also how the
 * leader learns what this copy holds. Stops when told to, after the fetch in progress.
 */
export class FollowerFetcher {
  private stopped = false;
  private readonly stopping = new AbortController();
  private readonly done: Promise<void>;

  constructor(
    private readonly replica: ShardReplica,
    private readonly leaderId: string,
    private readonly epoch: number,
    private readonly options: FetcherOptions,
  ) {
    this.done = this.run();
  }

  get leader(): string {
    return this.leaderId;
  }

  get leaderEpoch(): number {
    return this.epoch;
  }

  /** Stops at once: a call in progress is cancelled (a frozen leader must not hold the follower up). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort(new Error('the fetcher stopped'));
    await this.done;
  }

  private signal(): AbortSignal {
    return AbortSignal.any([this.stopping.signal, AbortSignal.timeout(FETCH_MAX_WAIT_MS + ANSWER_GRACE_MS)]);
  }

  private async run(): Promise<void> {
    const shard = this.replica.address;
    let truncated = false;
    let stale = false;
    while (!this.stopped) {
      try {
        const leader = await this.options.peers.get(this.leaderId, stale);
        stale = false;
        if (!truncated) {
          await this.replica.truncateToLeader(async (epoch) => {
            const answer = await settle(leader.epochEnd({ shard, leaderEpoch: this.epoch, epoch }), this.signal());
            return answer.found ? { epoch: answer.epoch, endOffset: answer.endOffset } : undefined;
          });
          truncated = true;
        }
        const answer = await settle(
          leader.fetch({
            shard,
            followerId: this.options.brokerId,
            leaderEpoch: this.epoch,
            fetchOffset: this.replica.log.durableOffset,
            maxBytes: FETCH_MAX_BYTES,
            maxWaitMs: FETCH_MAX_WAIT_MS,
          }),
          this.signal(),
        );
        if (this.stopped) break;
        const { batch, ...rest } = answer;
        await this.replica.applyFetched({ records: decodeStoredRecords(batch), ...rest });
      } catch (error) {
        if (this.stopped) break;
        const code = (error as { code?: number }).code;
        if (code === status.ABORTED) {
          // The leader moved on, or this copy is ahead of it: look at the assignment again and redo the truncation.
          truncated = false;
          this.options.onStale();
          await sleep(100);
        } else {
          stale = code === status.UNAVAILABLE || code === status.CANCELLED;
          if (code === undefined) this.options.onError?.(error as Error);
          await sleep(200);
        }
      }
    }
  }
}
