import { evenHashRanges, MAX_HASH_KEY } from './hash-range';
import type { ShardMeta, StreamMeta } from './ports/stream-meta';
import { formatShardId } from './shard-id';

/**
 * What a reshard does to a stream's shards: the open shards it closes and the shards it creates,
 * in creation order. Shards the reshard creates and closes again on its way (intermediate shards
 * of UpdateShardCount) are created closed and empty.
 */
export interface ReshardPlan {
  /** The stream's nextShardIndex the plan was made for; the children take the indexes from it. */
  baseIndex: number;
  closes: string[];
  creates: ShardMeta[];
}

interface Piece {
  shard: ShardMeta;
  start: bigint;
  end: bigint;
}

/** Builds a plan as AWS performs reshards: every step a split into two or a merge of two. */
class PlanBuilder {
  private readonly closes: string[] = [];
  private readonly creates: ShardMeta[] = [];
  private nextIndex: number;

  constructor(
    private readonly meta: StreamMeta,
    private readonly nowMs: number,
  ) {
    this.nextIndex = meta.nextShardIndex;
  }

  piece(shard: ShardMeta): Piece {
    return { shard, start: BigInt(shard.hashKeyStart), end: BigInt(shard.hashKeyEnd) };
  }

  /** Splits `piece` into [start, at - 1] and [at, end]. */
  split(piece: Piece, at: bigint): [Piece, Piece] {
    this.close(piece);
    const parent = { parentShardId: piece.shard.shardId };
    return [this.create(piece.start, at - 1n, parent), this.create(at, piece.end, parent)];
  }

  /** Merges two adjacent pieces; `parent` becomes the child's ParentShardId whichever is lower. */
  merge(parent: Piece, adjacent: Piece): Piece {
    this.close(parent);
    this.close(adjacent);
    const [lower, upper] = parent.start < adjacent.start ? [parent, adjacent] : [adjacent, parent];
    return this.create(lower.start, upper.end, {
      parentShardId: parent.shard.shardId,
      adjacentParentShardId: adjacent.shard.shardId,
    });
  }

  plan(): ReshardPlan {
    return { baseIndex: this.meta.nextShardIndex, closes: this.closes, creates: this.creates };
  }

  private create(start: bigint, end: bigint, lineage: Pick<ShardMeta, 'parentShardId' | 'adjacentParentShardId'>): Piece {
    const index = this.nextIndex++;
    const shard: ShardMeta = {
      shardId: formatShardId(index),
      index,
      ...lineage,
      hashKeyStart: start.toString(),
      hashKeyEnd: end.toString(),
      createdMs: this.nowMs,
    };
    this.creates.push(shard);
    return { shard, start, end };
  }

  /** An open shard of the stream is closed by the reshard; one this plan created becomes intermediate. */
  private close(piece: Piece): void {
    const created = this.creates.find((shard) => shard.shardId === piece.shard.shardId);
    if (created) created.closedMs = this.nowMs;
    else this.closes.push(piece.shard.shardId);
  }
}

export function openShardsByHashKey(meta: StreamMeta): ShardMeta[] {
  return meta.shards
    .filter((shard) => shard.closedMs === undefined)
    .sort((a, b) => (BigInt(a.hashKeyStart) < BigInt(b.hashKeyStart) ? -1 : 1));
}

export function planSplit(meta: StreamMeta, shard: ShardMeta, newStartingHashKey: bigint, nowMs: number): ReshardPlan {
  const builder = new PlanBuilder(meta, nowMs);
  builder.split(builder.piece(shard), newStartingHashKey);
  return builder.plan();
}

export function planMerge(meta: StreamMeta, shard: ShardMeta, adjacent: ShardMeta, nowMs: number): ReshardPlan {
  const builder = new PlanBuilder(meta, nowMs);
  builder.merge(builder.piece(shard), builder.piece(adjacent));
  return builder.plan();
}

/**
 * UNIFORM_SCALING to `target` open shards of equal width, as a series of splits and then merges:
 *
 * 1. The target layout's boundaries are evenHashRanges(target)'s, except that a boundary within
 *    max(current, target) keys of a boundary the stream already has snaps to it. Exact division
 *    puts, for example, 6 shards' boundaries a few keys off 3 shards' ones; snapping keeps those
 *    shards from splitting off slivers only to merge them again. Widths stay equal to within a
 *    few keys in 2^128 / target.
 * 2. Each open shard with target boundaries inside it is split at them, lowest first; the upper
 *    half of each split but the last is an intermediate shard.
 * 3. Each target range made of several pieces is merged from them, lowest first; every merge but
 *    the last yields an intermediate shard.
 *
 * An open shard that is already exactly a target range is left open and untouched. Every shard
 * created has one parent (split) or two adjacent ones (merge), so readers that finish parents
 * before children keep per-key order, and the open shards always tile the key space.
 */
export function planUniformScaling(meta: StreamMeta, target: number, nowMs: number): ReshardPlan {
  const builder = new PlanBuilder(meta, nowMs);
  const open = openShardsByHashKey(meta).map((shard) => builder.piece(shard));
  const boundaries = snapBoundaries(
    evenHashRanges(target).slice(1).map((range) => range.start),
    open.slice(1).map((piece) => piece.start),
    BigInt(Math.max(open.length, target)),
  );

  const pieces: Piece[] = [];
  for (let current of open) {
    for (const at of boundaries.filter((b) => b > current.start && b <= current.end)) {
      const [lower, upper] = builder.split(current, at);
      pieces.push(lower);
      current = upper;
    }
    pieces.push(current);
  }

  const ends = [...boundaries.map((b) => b - 1n), MAX_HASH_KEY];
  let next = 0;
  for (const end of ends) {
    let merged = pieces[next++];
    while (merged.end < end) merged = builder.merge(merged, pieces[next++]);
  }
  return builder.plan();
}

/** Each ideal boundary, or the existing boundary within `tolerance` of it. Both lists ascend. */
function snapBoundaries(ideal: bigint[], existing: bigint[], tolerance: bigint): bigint[] {
  let j = 0;
  return ideal.map((b) => {
    while (j < existing.length && existing[j] < b - tolerance) j++;
    return j < existing.length && existing[j] <= b + tolerance ? existing[j] : b;
  });
}
