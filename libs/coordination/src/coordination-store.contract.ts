import { setTimeout as sleep } from 'node:timers/promises';
import type { CoordinationStore, Lease } from './coordination-store';

/** What the contract runs against: one backend per test, with one or more clients. */
export interface ContractBackend {
  /**
   * A client of the backend. Clients of one backend share its data and channels; a store that
   * lives in one process may hand out the same instance every time.
   */
  client(): Promise<CoordinationStore>;
  /** Deletes what the backend left behind; called after its clients are closed. */
  dispose?(): Promise<void>;
}

/** Polls `attempt` until it returns a value, for up to 10 s. */
async function eventually<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  for (let tries = 0; tries < 1000; tries++) {
    const result = await attempt();
    if (result !== undefined) return result;
    await sleep(10);
  }
  throw new Error('gave up waiting');
}

/** Collects the messages a subscription receives; `next(n)` waits until n have arrived. */
function inbox() {
  const messages: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  return {
    messages,
    handler: (message: string) => {
      messages.push(message);
      for (const waiter of waiters.filter((w) => messages.length >= w.count)) waiter.resolve();
    },
    next: (count: number) =>
      new Promise<void>((resolve) => {
        if (messages.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
  };
}

/** The behaviour every `CoordinationStore` must have; call it from each implementation's spec. */
export function coordinationStoreContract(name: string, newBackend: () => Promise<ContractBackend>): void {
  describe(`${name}: CoordinationStore contract`, () => {
    let backend: ContractBackend;
    let opened: CoordinationStore[];
    /** Two clients of the same backend (the same instance for a single-process store). */
    let a: CoordinationStore;
    let b: CoordinationStore;

    beforeEach(async () => {
      backend = await newBackend();
      opened = [];
      a = await backend.client();
      b = await backend.client();
      opened.push(a, b);
    });

    afterEach(async () => {
      for (const store of new Set(opened)) await store.close();
      await backend.dispose?.();
    });

    describe('versions', () => {
      it('has nothing for a key never written', async () => {
        expect(await a.get('missing')).toBeUndefined();
      });

      it('creates a key at version 1 and adds one per write', async () => {
        expect(await a.compareAndSet('k', 'v1', 0)).toBe(1);
        expect(await b.get('k')).toEqual({ value: 'v1', version: 1 });
        expect(await b.compareAndSet('k', 'v2', 1)).toBe(2);
        expect(await a.get('k')).toEqual({ value: 'v2', version: 2 });
      });

      it('refuses a write at any other version and changes nothing', async () => {
        await a.compareAndSet('k', 'v1', 0);
        expect(await b.compareAndSet('k', 'other', 0)).toBeUndefined();
        expect(await b.compareAndSet('k', 'other', 2)).toBeUndefined();
        expect(await a.compareAndSet('absent', 'other', 1)).toBeUndefined();
        expect(await a.get('k')).toEqual({ value: 'v1', version: 1 });
        expect(await a.get('absent')).toBeUndefined();
      });

      it('keeps values exactly, empty, multi-line, non-ASCII or large', async () => {
        const values = ['', 'line 1\nline 2\r\n', 'ünï 😀 \u0000 "quoted" \\', 'x'.repeat(200_000)];
        for (const [i, value] of values.entries()) await a.compareAndSet(`v/${i}`, value, 0);
        for (const [i, value] of values.entries()) expect(await b.get(`v/${i}`)).toEqual({ value, version: 1 });
      });

      it('deletes only at the current version, and a deleted key starts again at version 1', async () => {
        await a.compareAndSet('k', 'v1', 0);
        await a.compareAndSet('k', 'v2', 1);
        expect(await b.compareAndDelete('k', 1)).toBe(false);
        expect(await b.compareAndDelete('k', 0)).toBe(false);
        expect(await a.get('k')).toEqual({ value: 'v2', version: 2 });
        expect(await b.compareAndDelete('k', 2)).toBe(true);
        expect(await a.get('k')).toBeUndefined();
        expect(await a.compareAndDelete('k', 2)).toBe(false);
        expect(await a.compareAndSet('k', 'again', 0)).toBe(1);
      });
    });

    describe('list', () => {
      const put = (store: CoordinationStore, keys: string[]) =>
        Promise.all(keys.map((key) => store.compareAndSet(key, `value of ${key}`, 0)));
      const keysOf = async (store: CoordinationStore, prefix: string) => (await store.list(prefix)).map((e) => e.key);

      it('returns the entries under a prefix in key order, with values and versions', async () => {
        await put(a, ['s/b', 's/a', 's/c']);
        await a.compareAndSet('s/a', 'changed', 1);
        expect(await b.list('s/')).toEqual([
          { key: 's/a', value: 'changed', version: 2 },
          { key: 's/b', value: 'value of s/b', version: 1 },
          { key: 's/c', value: 'value of s/c', version: 1 },
        ]);
      });

      it('includes exactly the keys that start with the prefix', async () => {
        await put(a, ['a', 'a/', 'a/1', 'a/10', 'a/2', 'a/[x', 'a0', 'ab', 'b/1', '0']);
        expect(await keysOf(b, 'a/')).toEqual(['a/', 'a/1', 'a/10', 'a/2', 'a/[x']);
        expect(await keysOf(b, 'a/1')).toEqual(['a/1', 'a/10']);
        expect(await keysOf(b, 'a/[')).toEqual(['a/[x']);
        expect(await keysOf(b, 'c')).toEqual([]);
        expect(await keysOf(b, '')).toEqual(['0', 'a', 'a/', 'a/1', 'a/10', 'a/2', 'a/[x', 'a0', 'ab', 'b/1']);
      });

      it('orders keys by code point (UTF-8 byte order), not by UTF-16 unit', async () => {
        await put(a, ['u/😀', 'u/\uFFFD', 'u/é', 'u/z']);
        expect(await keysOf(b, 'u/')).toEqual(['u/z', 'u/é', 'u/\uFFFD', 'u/😀']);
        expect(await keysOf(b, 'u/\uFFFD')).toEqual(['u/\uFFFD']);
      });

      it('drops deleted keys and lists counters', async () => {
        await put(a, ['d/1', 'd/2', 'd/3']);
        await a.compareAndDelete('d/2', 1);
        await a.increment('d/count');
        expect(await b.list('d/')).toEqual([
          { key: 'd/1', value: 'value of d/1', version: 1 },
          { key: 'd/3', value: 'value of d/3', version: 1 },
          { key: 'd/count', value: '1', version: 1 },
        ]);
      });

      it('does not list leases', async () => {
        await a.acquireLease('lease', 'owner', 10_000);
        expect(await b.list('')).toEqual([]);
        expect(await b.get('lease')).toBeUndefined();
      });
    });

    describe('increment', () => {
      it('counts from 1, as a versioned value', async () => {
        expect(await a.increment('n')).toBe(1);
        expect(await b.increment('n')).toBe(2);
        expect(await a.get('n')).toEqual({ value: '2', version: 2 });
      });

      it('continues from an integer written with compareAndSet', async () => {
        await a.compareAndSet('n', '41', 0);
        expect(await b.increment('n')).toBe(42);
        expect(await a.get('n')).toEqual({ value: '42', version: 2 });
      });

      it('refuses a value that is not an integer and leaves it alone', async () => {
        await a.compareAndSet('n', 'abc', 0);
        await expect(b.increment('n')).rejects.toThrow(/not an integer/);
        expect(await a.get('n')).toEqual({ value: 'abc', version: 1 });
      });

      it('gives every concurrent caller a different number', async () => {
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).increment('n')));
        expect([...results].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      });
    });

    describe('concurrent compareAndSet', () => {
      it('lets exactly one of many writers win each version', async () => {
        for (const expected of [0, 1, 2]) {
          const attempts = Array.from({ length: 30 }, (_, i) => `writer ${i} at ${expected}`);
          const results = await Promise.all(
            attempts.map((value, i) => (i % 2 ? a : b).compareAndSet('race', value, expected)),
          );
          const winners = results.flatMap((result, i) =>
            result === undefined ? [] : [{ result, value: attempts[i] }],
          );
          expect(winners).toHaveLength(1);
          expect(winners[0].result).toBe(expected + 1);
          expect(await a.get('race')).toEqual({ value: winners[0].value, version: expected + 1 });
        }
      });

      it('lets exactly one of many deleters win', async () => {
        await a.compareAndSet('k', 'v', 0);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).compareAndDelete('k', 1)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('leases', () => {
      it('gives a free lease to the first owner, at epoch 1, until its TTL', async () => {
        const before = Date.now();
        const lease = await a.acquireLease('leader', 'one', 10_000);
        const after = Date.now();
        expect(lease).toMatchObject({ name: 'leader', owner: 'one', epoch: 1 });
        expect(lease?.expiresAtMs).toBeGreaterThanOrEqual(before + 10_000);
        expect(lease?.expiresAtMs).toBeLessThanOrEqual(after + 10_000);
        const seen = await b.getLease('leader');
        expect(seen).toMatchObject({ name: 'leader', owner: 'one', epoch: 1 });
        expect(seen?.expiresAtMs).toBeGreaterThan(Date.now());
        expect(seen?.expiresAtMs).toBeLessThanOrEqual(Date.now() + 10_000);
      });

      it('refuses a held lease to anyone, its holder included', async () => {
        await a.acquireLease('leader', 'one', 10_000);
        expect(await b.acquireLease('leader', 'two', 10_000)).toBeUndefined();
        expect(await a.acquireLease('leader', 'one', 10_000)).toBeUndefined();
        expect(await b.getLease('leader')).toMatchObject({ owner: 'one', epoch: 1 });
      });

      it('hands an expired lease over at a higher epoch and fences the old holder out', async () => {
        const old = (await a.acquireLease('leader', 'one', 50)) as Lease;
        const taken = await eventually(() => b.acquireLease('leader', 'two', 10_000));
        expect(taken).toMatchObject({ owner: 'two', epoch: old.epoch + 1 });

        expect(await a.renewLease(old, 10_000)).toBeUndefined();
        await a.releaseLease(old);
        expect(await b.getLease('leader')).toMatchObject({ owner: 'two', epoch: old.epoch + 1 });
        expect(await a.renewLease({ ...taken, epoch: old.epoch }, 10_000)).toBeUndefined();
        expect(await a.renewLease({ ...taken, owner: 'one' }, 10_000)).toBeUndefined();
      });

      it('extends a lease its holder renews', async () => {
        const lease = (await a.acquireLease('leader', 'one', 300)) as Lease;
        const renewed = await a.renewLease(lease, 10_000);
        expect(renewed).toMatchObject({ name: 'leader', owner: 'one', epoch: lease.epoch });
        expect(renewed?.expiresAtMs).toBeGreaterThan(lease.expiresAtMs);
        await sleep(500);
        expect(await b.getLease('leader')).toMatchObject({ owner: 'one', epoch: lease.epoch });
        expect(await b.acquireLease('leader', 'two', 10_000)).toBeUndefined();
      });

      it('does not renew a lease that expired, even when nobody took it', async () => {
        const lease = (await a.acquireLease('leader', 'one', 30)) as Lease;
        await eventually(async () => ((await a.getLease('leader')) ? undefined : true));
        expect(await a.renewLease(lease, 10_000)).toBeUndefined();
      });

      it('frees a released lease, and never reuses its epoch', async () => {
        const first = (await a.acquireLease('leader', 'one', 10_000)) as Lease;
        await a.releaseLease(first);
        expect(await b.getLease('leader')).toBeUndefined();
        expect(await b.acquireLease('leader', 'two', 10_000)).toMatchObject({ owner: 'two', epoch: first.epoch + 1 });
      });

      it('counts epochs per lease name', async () => {
        await a.acquireLease('shard-1', 'one', 10_000);
        await a.acquireLease('shard-1', 'two', 10_000);
        expect(await b.acquireLease('shard-2', 'one', 10_000)).toMatchObject({ epoch: 1 });
      });

      it('rejects a TTL that is not a positive whole number of milliseconds', async () => {
        await expect(a.acquireLease('leader', 'one', 0)).rejects.toThrow(RangeError);
        await expect(a.acquireLease('leader', 'one', 1.5)).rejects.toThrow(RangeError);
        const lease = (await a.acquireLease('leader', 'one', 10_000)) as Lease;
        await expect(a.renewLease(lease, -1)).rejects.toThrow(RangeError);
      });
    });

    describe('publish and subscribe', () => {
      it('delivers messages to another client in order', async () => {
        const received = inbox();
        await b.subscribe('events', received.handler);
        await a.publish('events', 'first');
        await a.publish('events', 'second');
        await received.next(2);
        expect(received.messages).toEqual(['first', 'second']);
      });

      it('delivers to every subscriber of the channel and to no other channel', async () => {
        const one = inbox();
        const two = inbox();
        const elsewhere = inbox();
        await a.subscribe('events', one.handler);
        await b.subscribe('events', two.handler);
        await b.subscribe('other', elsewhere.handler);
        await a.publish('events', 'hello');
        await b.publish('other', 'marker');
        await Promise.all([one.next(1), two.next(1), elsewhere.next(1)]);
        expect([one.messages, two.messages, elsewhere.messages]).toEqual([['hello'], ['hello'], ['marker']]);
      });

      it('stops delivering after unsubscribe', async () => {
        const gone = inbox();
        const staying = inbox();
        const unsubscribe = await b.subscribe('events', gone.handler);
        await b.subscribe('events', staying.handler);
        await a.publish('events', 'before');
        await gone.next(1);
        await unsubscribe();
        await a.publish('events', 'after');
        await staying.next(2);
        // Both handlers would have seen 'after' in the same delivery.
        expect(gone.messages).toEqual(['before']);
        expect(staying.messages).toEqual(['before', 'after']);
      });
    });

    it('rejects calls once closed', async () => {
      await a.close();
      await a.close();
      await expect(a.get('k')).rejects.toThrow(/closed/);
      await expect(a.compareAndSet('k', 'v', 0)).rejects.toThrow(/closed/);
      await expect(a.subscribe('events', () => undefined)).rejects.toThrow(/closed/);
    });
  });
}
