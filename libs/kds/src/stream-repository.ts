import type { CoordinationStore, VersionedValue } from '@spate/coordination';
import { arnIsInCallerRegion } from './arn-scope';
import { KinesisError } from './kinesis-error';
import type { StreamMeta } from './ports/stream-meta';
import type { Caller, StreamKey, StreamRef, StreamRepository } from './ports/stream-repository';
import { parseStreamArn } from './stream-arn';
import { applyDueTransitions } from './stream-transitions';

/** Every write to a stream document is announced here, with the document's key as the message. */
export const STREAMS_CHANGED_CHANNEL = 'kds.streams.changed';

const STREAMS_PREFIX = 'kds/streams/';

/** The coordination-store key of a stream's document. Names cannot contain `/`, so prefixes never collide. */
export function streamStoreKey({ account, region, name }: StreamKey): string {
  return `${STREAMS_PREFIX}${account}/${region}/${name}`;
}

export function streamNotFound(name: string, account: string): KinesisError {
  return new KinesisError('ResourceNotFoundException', `Stream ${name} under account ${account} not found.`);
}

export interface StreamRepositoryOptions {
  now(): number;
  /**
   * Called once per stream incarnation, right after its document is gone (`remove`, or the read
   * that finds a DELETING stream's time has come), so the data plane can drop the shard logs.
   * Only the process whose delete won calls it. What it throws reaches that caller, but the
   * document is gone by then: a failed drop leaves logs behind, so the hook should retry or log.
   */
  onStreamGone(meta: StreamMeta): Promise<void>;
}

interface Current {
  meta: StreamMeta;
  version: number;
}

/**
 * One JSON document per stream at `kds/streams/<account>/<region>/<name>`. Delayed status changes
 * are settled by whoever reads the document after they fall due, and written back, so no process
 * has to hold a timer and every reader agrees.
 */
export class CoordinationStoreStreamRepository implements StreamRepository {
  /**
   * The last parsed document per key. Every data-plane call reads its stream's document, and
   * parsing it each time cost more than the rest of a small PutRecord. Cached documents are
   * frozen: callers (and `mutate` functions) build new objects instead of changing them.
   */
  private readonly parsed = new Map<string, { value: string; meta: StreamMeta }>();

  constructor(
    private readonly store: CoordinationStore,
    private readonly options: StreamRepositoryOptions,
  ) {}

  async get(key: StreamKey): Promise<StreamMeta | undefined> {
    return (await this.current(streamStoreKey(key)))?.meta;
  }

  async resolve(caller: Caller, ref: StreamRef): Promise<StreamMeta> {
    const name = streamNameOf(caller, ref);
    const meta = await this.get({ account: caller.account, region: caller.region, name });
    if (!meta) throw streamNotFound(name, caller.account);
    return meta;
  }

  list(account: string, region: string): Promise<StreamMeta[]> {
    return this.listUnder(`${STREAMS_PREFIX}${account}/${region}/`);
  }

  listAll(): Promise<StreamMeta[]> {
    return this.listUnder(STREAMS_PREFIX);
  }

  async create(meta: StreamMeta): Promise<void> {
    const key = streamStoreKey(meta);
    for (;;) {
      if ((await this.store.compareAndSet(key, JSON.stringify(meta), 0)) !== undefined) {
        await this.changed(key);
        return;
      }
      // The name is taken, unless the stream holding it has just finished deleting.
      if (await this.current(key)) {
        throw new KinesisError(
          'ResourceInUseException',
          `Stream ${meta.name} under account ${meta.account} already exists.`,
        );
      }
    }
  }

  /** `mutate` may run more than once (on conflicts), so it must be pure; what it throws propagates. */
  async update(key: StreamKey, mutate: (meta: StreamMeta) => StreamMeta): Promise<StreamMeta> {
    const storeKey = streamStoreKey(key);
    for (;;) {
      const current = await this.current(storeKey);
      if (!current) throw streamNotFound(key.name, key.account);
      const next = mutate(current.meta);
      if ((await this.store.compareAndSet(storeKey, JSON.stringify(next), current.version)) !== undefined) {
        await this.changed(storeKey);
        return next;
      }
    }
  }

  async remove(key: StreamKey): Promise<void> {
    const storeKey = streamStoreKey(key);
    for (;;) {
      const stored = await this.store.get(storeKey);
      if (!stored) return;
      if (await this.delete(storeKey, stored)) return;
    }
  }

  private async listUnder(prefix: string): Promise<StreamMeta[]> {
    const entries = await this.store.list(prefix);
    const streams: StreamMeta[] = [];
    for (const entry of entries) {
      const current = await this.settle(entry.key, entry);
      if (current) streams.push(current.meta);
    }
    return streams;
  }

  private async current(storeKey: string): Promise<Current | undefined> {
    const stored = await this.store.get(storeKey);
    if (!stored) {
      this.parsed.delete(storeKey);
      return undefined;
    }
    return this.settle(storeKey, stored);
  }

  /** The document with its due transitions applied and written back; undefined once it is gone. */
  private async settle(storeKey: string, stored: VersionedValue): Promise<Current | undefined> {
    for (;;) {
      const meta = this.parse(storeKey, stored.value);
      const next = applyDueTransitions(meta, this.options.now());
      if (next === meta) return { meta, version: stored.version };
      if (next === undefined) {
        if (await this.delete(storeKey, stored)) return undefined;
      } else {
        const version = await this.store.compareAndSet(storeKey, JSON.stringify(next), stored.version);
        if (version !== undefined) {
          await this.changed(storeKey);
          return { meta: next, version };
        }
      }
      // Another process wrote first: start again from what it wrote.
      const reread = await this.store.get(storeKey);
      if (!reread) return undefined;
      stored = reread;
    }
  }

  private parse(storeKey: string, value: string): StreamMeta {
    const cached = this.parsed.get(storeKey);
    if (cached?.value === value) return cached.meta;
    const meta = deepFreeze(JSON.parse(value) as StreamMeta);
    this.parsed.set(storeKey, { value, meta });
    return meta;
  }

  private async delete(storeKey: string, stored: VersionedValue): Promise<boolean> {
    if (!(await this.store.compareAndDelete(storeKey, stored.version))) return false;
    this.parsed.delete(storeKey);
    await this.changed(storeKey);
    await this.options.onStreamGone(JSON.parse(stored.value) as StreamMeta);
    return true;
  }

  private changed(storeKey: string): Promise<void> {
    return this.store.publish(STREAMS_CHANGED_CHANNEL, storeKey);
  }
}

/**
 * The stream name a request means. A StreamARN must be well formed, be the caller's (see
 * arn-scope.ts), and agree with StreamName when both are given.
 */
function streamNameOf(caller: Caller, { StreamName, StreamARN }: StreamRef): string {
  if (StreamARN === undefined) {
    if (StreamName === undefined) {
      throw new KinesisError('InvalidArgumentException', 'Either StreamName or StreamARN should be provided.');
    }
    return StreamName;
  }
  const arn = parseStreamArn(StreamARN);
  if (!arn) throw new KinesisError('InvalidArgumentException', `StreamARN ${StreamARN} is not a valid stream ARN.`);
  if (StreamName !== undefined && StreamName !== arn.name) {
    throw new KinesisError(
      'InvalidArgumentException',
      `StreamARN ${StreamARN} and StreamName ${StreamName} do not refer to the same stream.`,
    );
  }
  if (!arnIsInCallerRegion(caller, StreamARN, arn)) throw streamNotFound(arn.name, arn.account);
  return arn.name;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
