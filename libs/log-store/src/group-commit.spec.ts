import { GroupCommit } from './group-commit';
import type { SyncTarget } from './log-directory';

/** A sync target whose syncs finish when the test says so. */
class ManualTarget implements SyncTarget {
  readonly calls: { resolve(): void; reject(error: Error): void }[] = [];

  sync(): Promise<void> {
    return new Promise((resolve, reject) => this.calls.push({ resolve, reject }));
  }

  finish(index: number, error?: Error): void {
    if (error) this.calls[index].reject(error);
    else this.calls[index].resolve();
  }
}

/** Lets setImmediate callbacks and the promise reactions after them run. */
const turn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

function track(promise: Promise<void>) {
  const state = { settled: 'pending' as 'pending' | 'resolved' | 'rejected', error: undefined as unknown };
  promise.then(
    () => (state.settled = 'resolved'),
    (error) => Object.assign(state, { settled: 'rejected', error }),
  );
  return state;
}

describe('GroupCommit', () => {
  describe("'group'", () => {
    it('starts one round for calls made in the same turn', async () => {
      const commit = new GroupCommit('group');
      const target = new ManualTarget();
      const calls = [1, 2, 3].map(() => track(commit.durable([target])));
      await turn();
      expect(target.calls).toHaveLength(1);
      target.finish(0);
      await turn();
      expect(calls.map((c) => c.settled)).toEqual(['resolved', 'resolved', 'resolved']);
      expect(commit.rounds).toBe(1);
    });

    it('makes calls that arrive during a round share the next one, once per target', async () => {
      const commit = new GroupCommit('group');
      const a = new ManualTarget();
      const b = new ManualTarget();
      const first = track(commit.durable([a]));
      await turn();
      const later = [track(commit.durable([a])), track(commit.durable([a, b])), track(commit.durable([b]))];
      await turn();
      expect([a.calls.length, b.calls.length]).toEqual([1, 0]);
      a.finish(0);
      await turn();
      expect(first.settled).toBe('resolved');
      expect(later.map((c) => c.settled)).toEqual(['pending', 'pending', 'pending']);
      expect([a.calls.length, b.calls.length]).toEqual([2, 1]);
      a.finish(1);
      await turn();
      expect(later[0].settled).toBe('pending');
      b.finish(0);
      await turn();
      expect(later.map((c) => c.settled)).toEqual(['resolved', 'resolved', 'resolved']);
      expect(commit.rounds).toBe(2);
    });

    it('fails for good when a sync fails: the round, the calls waiting and every later call reject', async () => {
      const commit = new GroupCommit('group');
      const target = new ManualTarget();
      const inRound = track(commit.durable([target]));
      await turn();
      const waiting = track(commit.durable([target]));
      const failure = new Error('EIO');
      target.finish(0, failure);
      await turn();
      expect([inRound.error, waiting.error]).toEqual([failure, failure]);
      expect(commit.failure).toEqual({ cause: failure });
      await expect(commit.durable([target])).rejects.toBe(failure);
      expect(target.calls).toHaveLength(1);
    });
  });

  describe("'always'", () => {
    it('starts a round per call at once, and resolves calls in call order', async () => {
      const commit = new GroupCommit('always');
      const target = new ManualTarget();
      const calls = [1, 2, 3].map(() => track(commit.durable([target])));
      expect(target.calls).toHaveLength(3);
      target.finish(2);
      target.finish(1);
      await turn();
      expect(calls.map((c) => c.settled)).toEqual(['pending', 'pending', 'pending']);
      target.finish(0);
      await turn();
      expect(calls.map((c) => c.settled)).toEqual(['resolved', 'resolved', 'resolved']);
      expect(commit.rounds).toBe(3);
    });

    it('rejects a call whose own sync succeeded after an earlier one failed', async () => {
      const commit = new GroupCommit('always');
      const target = new ManualTarget();
      const calls = [track(commit.durable([target])), track(commit.durable([target]))];
      target.finish(0, new Error('EIO'));
      target.finish(1);
      await turn();
      expect(calls.map((c) => c.settled)).toEqual(['rejected', 'rejected']);
    });
  });

  it("'os' resolves at once without syncing", async () => {
    const commit = new GroupCommit('os');
    const target = new ManualTarget();
    await commit.durable([target]);
    expect([target.calls.length, commit.rounds]).toEqual([0, 0]);
  });

  it('drains: resolves once no round is in flight or waiting', async () => {
    const commit = new GroupCommit('group');
    const target = new ManualTarget();
    void commit.durable([target]);
    await turn();
    void commit.durable([target]);
    const drained = track(commit.drain());
    target.finish(0);
    await turn();
    expect(drained.settled).toBe('pending');
    target.finish(1);
    await turn();
    expect(drained.settled).toBe('resolved');
    await expect(new GroupCommit('group').drain()).resolves.toBeUndefined();
  });
});
