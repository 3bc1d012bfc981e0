import { status } from '@grpc/grpc-js';
import { ASSIGNMENTS_CHANNEL, AssignmentStore, BROKERS_CHANNEL, listBrokers, type ShardAssignment } from '@spate/cluster';
import type { CoordinationStore } from '@spate/coordination';
import type {
  AppendRecordsRequest,
  AppendRecordsResult,
  ReadRecordsRequest,
  ReadRecordsResult,
  ShardAddress,
  ShardBounds,
  ShardDataPlane,
  TailRequest,
} from '@spate/kds';
import { AbortedCallError, GrpcShardDataPlane, type CallOptions } from './grpc-shard-data-plane';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ClusterDataPlaneOptions {
  /** How long a call keeps being re-routed while a shard has no reachable leader. */
  routeTimeoutMs: number;
}

/**
 * The data plane of a cluster as a gateway sees it: each call goes to the shard's leader, found
 * in a cached copy of the assignments that change announcements invalidate. A call the leader
 * refused without effect (ABORTED: it no longer leads, or too few replicas are in sync), or that
 * never reached it, is routed again after reloading the map, until the route timeout. An append
 * that may have been written is never sent twice: its failure goes back to the client, as AWS's
 * own does, so a record is never stored twice by the gateway's doing.
 */
export class ClusterShardDataPlane implements ShardDataPlane {
  private readonly assignments: AssignmentStore;
  private readonly streams = new Map<string, Promise<Map<string, ShardAssignment>>>();
  private brokers?: Promise<Map<string, string>>;
  private readonly clients = new Map<string, GrpcShardDataPlane>();
  private readonly unsubscribes: (() => Promise<void>)[] = [];
  /** Calls in flight per stream, so a leadership move can cut short the ones going to the old leader. */
  private readonly inFlight = new Map<string, Set<InFlightCall>>();

  constructor(
    private readonly store: CoordinationStore,
    private readonly options: ClusterDataPlaneOptions,
  ) {
    this.assignments = new AssignmentStore(store);
  }

  async start(): Promise<void> {
    this.unsubscribes.push(
      await this.store.subscribe(ASSIGNMENTS_CHANNEL, (streamId) => {
        this.streams.delete(streamId);
        void this.abandonMovedCalls(streamId);
      }),
    );
    this.unsubscribes.push(await this.store.subscribe(BROKERS_CHANNEL, () => (this.brokers = undefined)));
  }

  /** Nest calls this on shutdown (the gateway's provider). */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.unsubscribes.map((unsubscribe) => unsubscribe()));
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  append(request: AppendRecordsRequest): Promise<AppendRecordsResult> {
    return this.route(request, false, (broker, leaderEpoch, options) => broker.append({ streamId: request.streamId, shardId: request.shardId, records: request.records, leaderEpoch }, options));
  }

  read(request: ReadRecordsRequest): Promise<ReadRecordsResult> {
    return this.route(request, true, (broker, _, options) => broker.read(request, options));
  }

  bounds(address: ShardAddress): Promise<ShardBounds> {
    return this.route(address, true, (broker, _, options) => broker.bounds(address, options));
  }

  offsetAtTimestamp(address: ShardAddress, timestampMs: number): Promise<number> {
    return this.route(address, true, (broker, _, options) => broker.offsetAtTimestamp(address, timestampMs, options));
  }

  seal(address: ShardAddress): Promise<ShardBounds> {
    return this.route(address, true, (broker, _, options) => broker.seal(address, options));
  }

  trim(address: ShardAddress, cutoffMs: number): Promise<void> {
    return this.route(address, true, (broker, _, options) => broker.trim(address, cutoffMs, options));
  }

  /**
   * The tail of the shard on its leader, continued on the next leader when leadership moves: a
   * stream the leader ends (it gave the shard up) or that is cut (it died, or left the in-sync set,
   * or sent nothing for three keep-alives) is opened again on whoever leads now, from the offset
   * after the last record delivered. Everything below the old leader's high watermark is on every
   * in-sync replica, so nothing is skipped or repeated. Fails when no leader answers within the
   * route timeout.
   */
  async *tail(request: TailRequest, signal: AbortSignal): AsyncGenerator<ReadRecordsResult> {
    let offset = request.fromOffset;
    let deadline = Date.now() + this.options.routeTimeoutMs;
    for (let attempt = 0; !signal.aborted; attempt++) {
      const leader = await this.leaderOf(request);
      let failure: unknown;
      if (leader) {
        const cut = new AbortController();
        const tracked: InFlightCall = { shardId: request.shardId, leader: leader.id, epoch: leader.epoch, abort: () => cut.abort(new Error('leadership moved')) };
        let silence: NodeJS.Timeout | undefined;
        // Restarts the watch on the leader: it must send something within three keep-alives.
        const heard = () => {
          clearTimeout(silence);
          silence = setTimeout(() => cut.abort(new Error('the leader went silent')), 3 * request.keepAliveMs);
        };
        this.track(request.streamId, tracked, true);
        heard();
        try {
          // eslint-disable-next-line no-restricted-syntax -- once per connection to a leader
          for await (const read of this.client(leader.url).tail({ ...request, fromOffset: offset }, AbortSignal.any([signal, cut.signal]))) {
            heard();
            const last = read.records[read.records.length - 1];
            if (last) offset = last.offset + 1;
            else if (read.startOffset > offset) offset = read.startOffset;
            attempt = 0;
            // Only the leader's silence counts, not the time the consumer takes to ask for more.
            clearTimeout(silence);
            yield read;
            heard();
            deadline = Date.now() + this.options.routeTimeoutMs;
          }
          if (!cut.signal.aborted) return;
        } catch (error) {
          if (!rerouteable(error, true)) throw error;
          failure = error;
        } finally {
          clearTimeout(silence);
          this.track(request.streamId, tracked, false);
        }
      }
      if (signal.aborted) return;
      await this.beforeRouting(request, attempt, deadline, failure, true);
    }
  }

  /** Every live broker drops its own copies; one that is down drops them when its retention sweep finds the stream gone. */
  async dropStream(streamId: string): Promise<void> {
    const brokers = await listBrokers(this.store);
    await Promise.allSettled(brokers.filter((b) => b.live).map((b) => this.client(b.url).dropStream(streamId, { signal: AbortSignal.timeout(this.options.routeTimeoutMs) })));
  }

  private async route<T>(
    address: ShardAddress,
    idempotent: boolean,
    call: (broker: GrpcShardDataPlane, leaderEpoch: number, options: CallOptions) => Promise<T>,
    callerSignal?: AbortSignal,
  ): Promise<T> {
    const deadline = Date.now() + this.options.routeTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      if (callerSignal?.aborted) throw new AbortedCallError(callerSignal.reason);
      const leader = await this.leaderOf(address);
      let failure: unknown;
      if (leader) {
        // A call ends when its leader answers, when the map says leadership moved (the old leader
        // may be frozen and never answer), or at the route deadline, whichever comes first.
        const moved = new AbortController();
        const tracked: InFlightCall = { shardId: address.shardId, leader: leader.id, epoch: leader.epoch, abort: () => moved.abort(new Error('leadership moved')) };
        const signal = AbortSignal.any([moved.signal, AbortSignal.timeout(Math.max(1, deadline - Date.now()))]);
        this.track(address.streamId, tracked, true);
        try {
          return await call(this.client(leader.url), leader.epoch, { signal });
        } catch (error) {
          if (!rerouteable(error, idempotent)) throw error;
          failure = error;
        } finally {
          this.track(address.streamId, tracked, false);
        }
      }
      await this.beforeRouting(address, attempt, deadline, failure, failure !== undefined || !leader);
    }
  }

  /**
   * Between two attempts to reach a shard's leader: forget the cached assignments (and the
   * brokers, when the leader was missing or failed), then back off, or give up at the deadline.
   */
  private async beforeRouting(address: ShardAddress, attempt: number, deadline: number, failure: unknown, forgetBrokers: boolean): Promise<void> {
    this.streams.delete(address.streamId);
    if (forgetBrokers) this.brokers = undefined;
    if (Date.now() >= deadline) {
      throw new Error(
        `No leader of shard ${address.shardId} of stream ${address.streamId} answered within ${this.options.routeTimeoutMs} ms` +
          (failure ? `: ${(failure as Error).message}` : ''),
      );
    }
    await sleep(Math.min(25 * 2 ** attempt, 250));
  }

  private track(streamId: string, call: InFlightCall, add: boolean): void {
    let calls = this.inFlight.get(streamId);
    if (add) {
      if (!calls) this.inFlight.set(streamId, (calls = new Set()));
      calls.add(call);
    } else if (calls) {
      calls.delete(call);
      if (calls.size === 0) this.inFlight.delete(streamId);
    }
  }

  /**
   * After an assignment change: cut short the calls to a leader that lost its shard because it
   * was given up for dead (it left the in-sync set; it may be frozen and never answer). A leader
   * that handed over in the routine way is still in sync and answers its calls itself.
   */
  private async abandonMovedCalls(streamId: string): Promise<void> {
    const calls = this.inFlight.get(streamId);
    if (!calls?.size) return;
    const current = await this.leaders(streamId).catch(() => undefined);
    if (!current) return;
    for (const call of calls) {
      const now = current.get(call.shardId);
      const moved = now?.leader !== call.leader || now.leaderEpoch !== call.epoch;
      if (moved && !now?.isr.includes(call.leader)) call.abort();
    }
  }

  private leaders(streamId: string): Promise<Map<string, ShardAssignment>> {
    let stream = this.streams.get(streamId);
    if (!stream) {
      stream = this.assignments.list(streamId).then((entries) => new Map(entries.map((e) => [e.assignment.shardId, e.assignment])));
      stream.catch(() => this.streams.delete(streamId));
      this.streams.set(streamId, stream);
    }
    return stream;
  }

  private async leaderOf(address: ShardAddress): Promise<{ id: string; url: string; epoch: number } | undefined> {
    const assignment = (await this.leaders(address.streamId)).get(address.shardId);
    if (assignment?.leader === undefined) return undefined;
    this.brokers ??= listBrokers(this.store).then((brokers) => new Map(brokers.filter((b) => b.live).map((b) => [b.id, b.url])));
    const url = (await this.brokers).get(assignment.leader);
    return url === undefined ? undefined : { id: assignment.leader, url, epoch: assignment.leaderEpoch };
  }

  private client(url: string): GrpcShardDataPlane {
    let client = this.clients.get(url);
    if (!client) {
      client = new GrpcShardDataPlane(url);
      this.clients.set(url, client);
    }
    return client;
  }
}

/**
 * Whether a failed call may go to the (new) leader: always when it was refused without effect or
 * never left; when it may have had an effect, only if doing it twice is harmless.
 */
function rerouteable(error: unknown, idempotent: boolean): boolean {
  const { code, details } = error as { code?: number; details?: string };
  if (code === status.ABORTED) return true;
  if (error instanceof AbortedCallError) return idempotent;
  if (code !== status.UNAVAILABLE) return false;
  if (idempotent) return true;
  return /No connection established|ECONNREFUSED/.test(details ?? '');
}

interface InFlightCall {
  shardId: string;
  leader: string;
  epoch: number;
  abort(): void;
}
