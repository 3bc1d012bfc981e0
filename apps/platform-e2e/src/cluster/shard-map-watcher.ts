import { AssignmentStore, type ShardAssignment } from '@spate/cluster';
import { RedisCoordinationStore } from '@spate/coordination';

/** A test's view of a cluster's shard assignments in Redis, read the way gateways read them. */
export class ShardMapWatcher {
  private constructor(
    private readonly store: RedisCoordinationStore,
    private readonly assignments: AssignmentStore,
  ) {}

  static async connect(redisUrl: string, keyPrefix: string): Promise<ShardMapWatcher> {
    const store = await RedisCoordinationStore.connect({ url: redisUrl, keyPrefix });
    return new ShardMapWatcher(store, new AssignmentStore(store));
  }

  async list(): Promise<ShardAssignment[]> {
    return (await this.assignments.list()).map((entry) => entry.assignment);
  }

  /** The assignments once `ok` holds for them; fails naming `what` after `timeoutMs`. */
  async waitFor(what: string, ok: (assignments: ShardAssignment[]) => boolean, timeoutMs = 30_000): Promise<ShardAssignment[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = await this.list();
      if (ok(list)) return list;
      if (Date.now() > deadline) throw new Error(`${what} not reached in ${timeoutMs} ms: ${JSON.stringify(list)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
