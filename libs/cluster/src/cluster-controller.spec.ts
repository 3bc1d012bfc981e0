import { LocalCoordinationStore, type CoordinationStore } from '@spate/coordination';
import { AssignmentStore } from './assignment-store';
import { BrokerMembership, listBrokers } from './broker-membership';
import { ClusterController } from './cluster-controller';

const SESSION_MS = 300;

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('cluster membership and controller', () => {
  let store: CoordinationStore;
  const started: { stop(): Promise<void> }[] = [];
  beforeEach(async () => {
    store = await LocalCoordinationStore.open();
  });
  afterEach(async () => {
    for (const s of started.splice(0).reverse()) await s.stop();
    await store.close();
  });

  const join = async (id: string, events: string[] = []) => {
    const membership = new BrokerMembership(store, { id, url: `${id}:4600` }, {
      sessionTimeoutMs: SESSION_MS,
      onLeaseLost: () => events.push('lost'),
      onLeaseRegained: () => events.push('regained'),
    });
    await membership.join();
    started.push({ stop: () => membership.leave() });
    return membership;
  };
  const controller = (id: string, shards: { streamId: string; shardId: string }[]) => {
    const c = new ClusterController(store, {
      brokerId: id,
      leaseTtlMs: SESSION_MS,
      intervalMs: 50,
      policy: { replicationFactor: 3, maxMovesInFlight: 2 },
      listShards: async () => shards,
    });
    started.push(c);
    return c;
  };

  it('lists joined brokers as live, and a broker that stops renewing as dead after the session timeout', async () => {
    const b1 = await join('b1');
    await join('b2');
    expect((await listBrokers(store)).map((b) => [b.id, b.live])).toEqual([
      ['b1', true],
      ['b2', true],
    ]);
    expect(b1.holdsLease()).toBe(true);
    // b1 freezes: no renewals. Simulated by stopping its timer without releasing anything.
    (b1 as unknown as { timer: NodeJS.Timeout }).timer.unref();
    clearInterval((b1 as unknown as { timer: NodeJS.Timeout }).timer);
    await eventually(() => listBrokers(store), (brokers) => brokers.find((b) => b.id === 'b1')?.live === false);
    expect(b1.holdsLease()).toBe(false);
  });

  it('makes a restarted broker wait for its previous life\'s lease to expire', async () => {
    const first = new BrokerMembership(store, { id: 'b1', url: 'old:1' }, { sessionTimeoutMs: SESSION_MS });
    await first.join();
    clearInterval((first as unknown as { timer: NodeJS.Timeout }).timer);
    const joinedAt = Date.now();
    const second = await join('b1');
    expect(Date.now() - joinedAt).toBeGreaterThanOrEqual(SESSION_MS / 2);
    expect(second.holdsLease()).toBe(true);
    expect((await listBrokers(store)).map((b) => [b.url, b.live])).toEqual([['b1:4600', true]]);
  });

  it('places every shard, moves leadership off a dead broker with a higher epoch, and removes assignments of shards that are gone', async () => {
    const shards = [0, 1, 2, 3].map((i) => ({ streamId: 'stream-a', shardId: `shardId-00000000000${i}` }));
    const memberships = [await join('b1'), await join('b2'), await join('b3')];
    const c = controller('b1', shards);
    await c.start();
    const assignments = new AssignmentStore(store);
    const placed = await eventually(() => assignments.list(), (list) => list.length === 4 && list.every((e) => e.assignment.replicas.length === 3));
    const leaders = placed.map((e) => e.assignment.leader);
    expect(new Set(leaders).size).toBe(3);

    // b2 dies (stops renewing).
    clearInterval((memberships[1] as unknown as { timer: NodeJS.Timeout }).timer);
    const ledByB2 = placed.filter((e) => e.assignment.leader === 'b2').map((e) => e.assignment.shardId);
    const after = await eventually(
      () => assignments.list(),
      (list) => list.every((e) => e.assignment.leader !== 'b2' && !e.assignment.isr.includes('b2')),
    );
    for (const e of after.filter((e) => ledByB2.includes(e.assignment.shardId))) {
      expect(e.assignment.leaderEpoch).toBe(2);
      expect(['b1', 'b3']).toContain(e.assignment.leader);
    }

    shards.splice(2);
    c.wake();
    await eventually(() => assignments.list(), (list) => list.length === 2);
  });

  it('has one active controller at a time, and another takes over when it stops', async () => {
    await join('b1');
    const shards = [{ streamId: 's', shardId: 'shardId-000000000000' }];
    const c1 = controller('b1', shards);
    const c2 = controller('b2', shards);
    await c1.start();
    await eventually(async () => c1.isActive, (active) => active);
    await c2.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(c2.isActive).toBe(false);
    await c1.stop();
    await eventually(async () => c2.isActive, (active) => active);
  });

  it('reports a lease it could not renew in time as lost, and regained once renewed', async () => {
    const events: string[] = [];
    let now = Date.now();
    const membership = new BrokerMembership(store, { id: 'b9', url: 'x:1' }, { sessionTimeoutMs: SESSION_MS, now: () => now, onLeaseLost: () => events.push('lost') });
    await membership.join();
    started.push({ stop: () => membership.leave() });
    expect(membership.holdsLease()).toBe(true);
    // The process's clock jumps past the lease (it was paused): it stops holding the lease at once,
    // before anything has been heard from the store.
    now += SESSION_MS;
    expect(membership.holdsLease()).toBe(false);
  });
});
