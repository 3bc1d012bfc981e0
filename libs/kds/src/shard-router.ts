import { hashKeyOfWords } from './hash-key';
import type { ShardMeta, StreamMeta } from './ports/stream-meta';

/** Finds the open shard whose hash key range holds a hash key. */
export interface ShardRouter {
  route(hashKey: bigint): ShardMeta;
  /** The same for a hash key given as four words, most significant first, at `words[at]` (see writeRecordHashKey). */
  routeWords(words: Uint32Array, at: number): ShardMeta;
}

interface Entry {
  start: bigint;
  /** `start` as four 32-bit words, most significant first. */
  startWords: number[];
  endWords: number[];
  shard: ShardMeta;
}

/**
 * Routers are cached by stream incarnation and `nextShardIndex`: every reshard creates at least one
 * shard, so the pair names one layout of open shards, whichever copy of the document it came from.
 */
const cache = new Map<string, ShardRouter>();
const CACHE_SIZE = 1024;

export function shardRouter(meta: StreamMeta): ShardRouter {
  const key = `${meta.streamId}/${meta.nextShardIndex}`;
  let router = cache.get(key);
  if (router) {
    // Re-insert so that the Map's insertion order tracks recent use.
    cache.delete(key);
  } else {
    router = buildRouter(meta);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }
  cache.set(key, router);
  return router;
}

function buildRouter(meta: StreamMeta): ShardRouter {
  const entries: Entry[] = meta.shards
    .filter((shard) => shard.closedMs === undefined)
    .map((shard) => {
      const start = BigInt(shard.hashKeyStart);
      return { start, startWords: wordsOf(start), endWords: wordsOf(BigInt(shard.hashKeyEnd)), shard };
    })
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const holding = (entry: Entry | undefined, hashKey: bigint): ShardMeta => {
    if (!entry || entry.start > hashKey || BigInt(entry.shard.hashKeyEnd) < hashKey) {
      throw new Error(`No open shard of stream ${meta.name} holds hash key ${hashKey}`);
    }
    return entry.shard;
  };
  return {
    route(hashKey) {
      // The open shards tile the key space, so the last one starting at or below the key holds it.
      let lo = 0;
      let hi = entries.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (entries[mid].start <= hashKey) lo = mid;
        else hi = mid - 1;
      }
      return holding(entries[lo], hashKey);
    },
    routeWords(words, at) {
      let lo = 0;
      let hi = entries.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (compareWords(entries[mid].startWords, words, at) <= 0) lo = mid;
        else hi = mid - 1;
      }
      const entry = entries[lo];
      if (entry === undefined || compareWords(entry.startWords, words, at) > 0 || compareWords(entry.endWords, words, at) < 0) {
        return holding(entry, hashKeyOfWords(words, at));
      }
      return entry.shard;
    },
  };
}

function wordsOf(key: bigint): number[] {
  return [96n, 64n, 32n, 0n].map((shift) => Number((key >> shift) & 0xffffffffn));
}

/** Sign of `start - key`, the key being four words at `words[at]`. */
function compareWords(start: number[], words: Uint32Array, at: number): number {
  for (let i = 0; i < 4; i++) {
    const difference = start[i] - words[at + i];
    if (difference !== 0) return difference;
  }
  return 0;
}
