import { KinesisError } from './kinesis-error';
import type { KdsContext } from './ports/kds-context';
import type { ShardMeta, StreamMeta } from './ports/stream-meta';
import type { StreamRef } from './ports/stream-repository';
import type { ReshardPlan } from './reshard-plan';
import { startUpdate } from './stream-status';
import { shardAddress } from './stream-shards';

/** Long enough for a reshard's seals and one document write; a crashed holder blocks no longer. */
const RESHARD_LEASE_TTL_MS = 30_000;

export const DAY_MS = 86_400_000;

export interface ReshardOptions {
  /** Counts the reshard against UpdateShardCount's calls per 24 hours. */
  scaling?: boolean;
}

/**
 * Runs one reshard of the stream `ref` names. Reshards of a stream are serialized by a lease in
 * the coordination store; a second one while it is held finds the stream UPDATING, as on AWS.
 * Under the lease, `plan` checks the fresh document and returns what to change. The parents are
 * sealed in the data plane first, so their ending offsets are final, and then the document
 * closes them and adds the children in one write: puts routed by the old document that reach a
 * sealed parent are routed again by the new one. The stream is UPDATING for
 * `settings.updateStreamDelayMs` (the children exist from the start of it).
 */
export async function reshard(
  ctx: KdsContext,
  ref: StreamRef,
  plan: (meta: StreamMeta, nowMs: number) => Promise<ReshardPlan>,
  options: ReshardOptions = {},
): Promise<StreamMeta> {
  const before = await ctx.streams.resolve(ctx.caller, ref);
  const lease = await ctx.store.acquireLease(`kds/reshard/${before.streamId}`, ctx.requestId, RESHARD_LEASE_TTL_MS);
  if (!lease) throw inUpdate(before);
  try {
    const meta = await ctx.streams.resolve(ctx.caller, ref);
    if (meta.streamId !== before.streamId) throw inUpdate(meta);
    const nowMs = ctx.now();
    const changes = await plan(meta, nowMs);
    const endings = new Map<string, number | undefined>();
    await Promise.all(
      changes.closes.map(async (shardId) => {
        const bounds = await ctx.data.seal(shardAddress(meta, shardOf(meta, shardId)));
        endings.set(shardId, bounds.nextOffset > 0 ? bounds.nextOffset - 1 : undefined);
      }),
    );
    return await ctx.streams.update(meta, (current) => {
      // Only a lost lease lets another reshard in between; its changes win and this one fails.
      if (current.streamId !== meta.streamId || current.nextShardIndex !== changes.baseIndex) throw inUpdate(current);
      const shards = current.shards.map((shard) => {
        if (!endings.has(shard.shardId)) return shard;
        const closed: ShardMeta = { ...shard, closedMs: nowMs };
        const endingOffset = endings.get(shard.shardId);
        if (endingOffset !== undefined) closed.endingOffset = endingOffset;
        return closed;
      });
      const next: StreamMeta = {
        ...current,
        shards: [...shards, ...changes.creates],
        nextShardIndex: changes.baseIndex + changes.creates.length,
        scalingHistoryMs: options.scaling
          ? [...current.scalingHistoryMs.filter((ms) => ms > nowMs - DAY_MS), nowMs]
          : current.scalingHistoryMs,
      };
      // A stream that another operation has put in some other state keeps it.
      return current.status === 'ACTIVE' ? startUpdate(next, ctx.settings.updateStreamDelayMs, nowMs) : next;
    });
  } finally {
    await ctx.store.releaseLease(lease);
  }
}

function shardOf(meta: StreamMeta, shardId: string): ShardMeta {
  const shard = meta.shards.find((s) => s.shardId === shardId);
  if (!shard) throw new Error(`Reshard plan names shard ${shardId}, which stream ${meta.name} does not have`);
  return shard;
}

function inUpdate(meta: StreamMeta): KinesisError {
  return new KinesisError(
    'ResourceInUseException',
    `Stream ${meta.name} under account ${meta.account} not ACTIVE, instead in state UPDATING`,
  );
}
