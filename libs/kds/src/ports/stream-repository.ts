import type { StreamMeta } from './stream-meta';

/** Account and region of the caller, from the SigV4 credential scope (or the defaults). */
export interface Caller {
  account: string;
  region: string;
}

export interface StreamKey {
  account: string;
  region: string;
  name: string;
}

/** How a request names its stream: the model allows either member on most operations. */
export interface StreamRef {
  StreamName?: string;
  StreamARN?: string;
}

/**
 * Stream metadata over the coordination store. Reads apply due status transitions (CREATING →
 * ACTIVE, UPDATING → ACTIVE, DELETING → gone); writes are compare-and-set loops, so concurrent
 * gateways never lose each other's changes.
 */
export interface StreamRepository {
  get(key: StreamKey): Promise<StreamMeta | undefined>;
  /** The caller's stream named by StreamName or StreamARN; ResourceNotFoundException otherwise. */
  resolve(caller: Caller, ref: StreamRef): Promise<StreamMeta>;
  list(account: string, region: string): Promise<StreamMeta[]>;
  /** Every stream of every account and region (for retention and other broker-side sweeps). */
  listAll(): Promise<StreamMeta[]>;
  /** ResourceInUseException when a stream of that name exists. */
  create(meta: StreamMeta): Promise<void>;
  /** Applies `mutate` to the current document and writes it back, retrying on conflict. */
  update(key: StreamKey, mutate: (meta: StreamMeta) => StreamMeta): Promise<StreamMeta>;
  remove(key: StreamKey): Promise<void>;
}
